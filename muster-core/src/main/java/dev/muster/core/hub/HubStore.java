package dev.muster.core.hub;

import java.util.List;
import java.util.Optional;

/**
 * Registry and twins of the built-in hubs, keyed by hub host name and device ID. A device and its twin are
 * created and deleted together (a device's modules and their twins with it); twins are swapped on their version so
 * concurrent writers never lose a patch.
 */
public interface HubStore {
    List<BuiltInHubConfig> builtInHubs();

    /** @return false if a hub with this host name exists */
    boolean createBuiltInHub(BuiltInHubConfig hub);

    Optional<HubDevice> device(String hub, String deviceId);

    /** @return false if the device exists */
    boolean insertDevice(String hub, HubDevice device, DeviceTwin twin);

    /** @return false unless the device exists with {@code expectedEtag} */
    boolean replaceDevice(String hub, HubDevice device, String expectedEtag);

    /** Removes device and twin, and the device's modules with their twins. @param expectedEtag null = unconditional */
    boolean deleteDevice(String hub, String deviceId, String expectedEtag);

    Optional<DeviceTwin> twin(String hub, String deviceId);

    /** @return false unless the stored twin still has {@code expectedVersion} */
    boolean replaceTwin(String hub, DeviceTwin twin, long expectedVersion);

    long deviceCount(String hub);

    /**
     * A page of a hub's registry: up to {@code limit} devices whose IDs sort after {@code afterDeviceId} (null = from
     * the first), in ID order (byte order of the case-sensitive ID), so a caller pages with the last ID it saw.
     */
    List<HubDevice> devicesAfter(String hub, String afterDeviceId, int limit);

    /** The same page as {@link #devicesAfter}, each device with its twin (registry queries read both). */
    List<DeviceWithTwin> devicesWithTwinsAfter(String hub, String afterDeviceId, int limit);

    /** How many of them are disabled (the rest are enabled), for the registry's statistics. */
    long disabledDeviceCount(String hub);

    // Modules live on their device: created only while it exists, deleted with it. Module IDs are case-sensitive.

    Optional<HubModule> module(String hub, String deviceId, String moduleId);

    /** The device's modules ordered by module ID; empty for a device without modules or no device. */
    List<HubModule> modules(String hub, String deviceId);

    /** Module and its twin together. @return false if the module exists or its device does not */
    boolean insertModule(String hub, HubModule module, DeviceTwin twin);

    /** @return false unless the module exists with {@code expectedEtag} */
    boolean replaceModule(String hub, HubModule module, String expectedEtag);

    /** Removes module and twin. @param expectedEtag null = unconditional */
    boolean deleteModule(String hub, String deviceId, String moduleId, String expectedEtag);

    /** A module's twin; its {@link DeviceTwin#deviceId()} names the device the module is on. */
    Optional<DeviceTwin> moduleTwin(String hub, String deviceId, String moduleId);

    /** @return false unless the module's stored twin still has {@code expectedVersion} */
    boolean replaceModuleTwin(String hub, String moduleId, DeviceTwin twin, long expectedVersion);

    /** CA certificates the hub trusts for certificateAuthority devices, oldest first. */
    List<TrustedCertificate> trustedCertificates(String hub);

    /** @return false if the hub already trusts a certificate with this SHA-256 thumbprint */
    boolean addTrustedCertificate(String hub, TrustedCertificate certificate);

    /** @return false if there was no such certificate */
    boolean removeTrustedCertificate(String hub, String sha256Thumbprint);
}
