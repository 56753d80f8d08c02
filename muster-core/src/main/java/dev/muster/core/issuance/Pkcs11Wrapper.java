package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The two things SunPKCS11's public API cannot do, done through the JDK's (internal) PKCS#11 wrapper: find a token's
 * slot by its label (SunPKCS11 selects a slot only by number, and slot numbers change: SoftHSM2 gives a token a new one
 * when it is initialised), and store a CA certificate next to an operator's key (the JDK's key store sees a key only
 * together with a certificate of the same CKA_ID). The wrapper is internal: the JVM must run with {@value #EXPORT}
 * (the launcher and the test set-up pass it); without it the error names the option.
 */
final class Pkcs11Wrapper {
    static final String EXPORT = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    private static final long CKF_OS_LOCKING_OK = 0x2L;
    private static final long CKF_RW_SESSION = 0x2L;
    private static final long CKF_SERIAL_SESSION = 0x4L;
    private static final long CKA_CLASS = 0x0L;
    private static final long CKA_TOKEN = 0x1L;
    private static final long CKA_LABEL = 0x3L;
    private static final long CKA_VALUE = 0x11L;
    private static final long CKA_CERTIFICATE_TYPE = 0x80L;
    private static final long CKA_ISSUER = 0x81L;
    private static final long CKA_SERIAL_NUMBER = 0x82L;
    private static final long CKA_SUBJECT = 0x101L;
    private static final long CKA_ID = 0x102L;
    private static final long CKO_CERTIFICATE = 0x1L;
    private static final long CKO_PRIVATE_KEY = 0x3L;
    private static final long CKC_X_509 = 0x0L;

    private Pkcs11Wrapper() {}

    /** The slot holding the token labelled {@code label} (labels are blank-padded to 32 characters in PKCS#11). */
    static long slotOf(String library, String label) {
        List<String> seen = new ArrayList<>();
        try {
            Object module = module(library);
            Class<?> pkcs11 = module.getClass();
            long[] slots = (long[]) pkcs11.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
            for (long slot : slots) {
                Object info = pkcs11.getMethod("C_GetTokenInfo", long.class).invoke(module, slot);
                String tokenLabel = new String((char[]) info.getClass().getField("label").get(info)).strip();
                if (tokenLabel.equals(label)) {
                    return slot;
                }
                if (!tokenLabel.isEmpty()) { // SoftHSM2 always offers one more, uninitialised, token
                    seen.add("'" + tokenLabel + "'");
                }
            }
        } catch (IllegalAccessException | IllegalAccessError e) {
            throw notExported("Finding PKCS#11 token '" + label + "' by its label");
        } catch (InvocationTargetException e) {
            throw ProvisioningException.badRequest("PKCS#11 library " + library + " cannot list its tokens ("
                    + e.getCause() + "); check that it is a PKCS#11 module and its configuration (SOFTHSM2_CONF).");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK's PKCS#11 wrapper differs from the one Muster knows", e);
        }
        throw ProvisioningException.badRequest("PKCS#11 library " + library + " has no token labelled '" + label
                + "' (tokens: " + (seen.isEmpty() ? "none" : String.join(", ", seen)) + "); initialise it first,"
                + " e.g. softhsm2-util --init-token --free --label " + label + ".");
    }

    /**
     * Stores {@code ca} in the token as the certificate of the private key labelled {@code keyLabel}: same CKA_ID, the
     * key's label, so the JDK's key store pairs them. The caller is logged in (a PKCS#11 login holds process-wide).
     *
     * @return the certificate object's handle, for {@link #destroyObject} should the key turn out not to match
     */
    static long storeCertificateOfKey(String library, long slot, String keyLabel, X509Certificate ca) {
        try {
            Object module = module(library);
            Class<?> pkcs11 = module.getClass();
            Class<?> attribute = Class.forName(WRAPPER + "CK_ATTRIBUTE");
            Class<?> attributes = attribute.arrayType();
            long session = (long) pkcs11.getMethod("C_OpenSession", long.class, long.class, Object.class,
                    Class.forName(WRAPPER + "CK_NOTIFY")).invoke(module, slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                    null, null);
            try {
                pkcs11.getMethod("C_FindObjectsInit", long.class, attributes).invoke(module, session,
                        template(attribute, CKA_CLASS, CKO_PRIVATE_KEY, CKA_LABEL, keyLabel));
                long[] keys = (long[]) pkcs11.getMethod("C_FindObjects", long.class, long.class)
                        .invoke(module, session, 2L);
                pkcs11.getMethod("C_FindObjectsFinal", long.class).invoke(module, session);
                if (keys.length == 0) {
                    throw ProvisioningException.badRequest("PKCS#11 slot " + slot + " holds no key labelled '"
                            + keyLabel + "'; import or generate it there first, or give no certificates and Muster"
                            + " generates one.");
                }
                if (keys.length > 1) {
                    throw ProvisioningException.badRequest("PKCS#11 slot " + slot + " holds several private keys"
                            + " labelled '" + keyLabel + "'; give each a label of its own.");
                }
                Object id = template(attribute, CKA_ID, null);
                pkcs11.getMethod("C_GetAttributeValue", long.class, long.class, attributes).invoke(module, session,
                        keys[0], id);
                byte[] keyId = (byte[]) attribute.getField("pValue").get(java.lang.reflect.Array.get(id, 0));
                if (keyId == null || keyId.length == 0) {
                    throw ProvisioningException.badRequest("The PKCS#11 key labelled '" + keyLabel + "' has no CKA_ID"
                            + " to pair its certificate with; give the key an ID (e.g. pkcs11-tool --id 01).");
                }
                return (long) pkcs11.getMethod("C_CreateObject", long.class, attributes).invoke(module, session,
                        template(attribute,
                        CKA_CLASS, CKO_CERTIFICATE, CKA_CERTIFICATE_TYPE, CKC_X_509, CKA_TOKEN, true,
                        CKA_LABEL, keyLabel, CKA_ID, keyId,
                        CKA_SUBJECT, ca.getSubjectX500Principal().getEncoded(),
                        CKA_ISSUER, ca.getIssuerX500Principal().getEncoded(),
                        CKA_SERIAL_NUMBER, ca.getSerialNumber().toByteArray(), CKA_VALUE, ca.getEncoded()));
            } finally {
                pkcs11.getMethod("C_CloseSession", long.class).invoke(module, session);
            }
        } catch (IllegalAccessException | IllegalAccessError e) {
            throw notExported("Storing the CA certificate next to the PKCS#11 key '" + keyLabel + "'");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ProvisioningException p) {
                throw p;
            }
            throw ProvisioningException.badRequest("PKCS#11 slot " + slot + " did not take the CA certificate for key '"
                    + keyLabel + "' (" + e.getCause() + "); store it yourself with the key's label and CKA_ID.");
        } catch (ReflectiveOperationException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot store the CA certificate in the token: " + e.getMessage(), e);
        }
    }

    /** Removes an object this class stored (a certificate whose key did not match). */
    static void destroyObject(String library, long slot, long handle) {
        try {
            Object module = module(library);
            Class<?> pkcs11 = module.getClass();
            long session = (long) pkcs11.getMethod("C_OpenSession", long.class, long.class, Object.class,
                    Class.forName(WRAPPER + "CK_NOTIFY")).invoke(module, slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                    null, null);
            try {
                pkcs11.getMethod("C_DestroyObject", long.class, long.class).invoke(module, session, handle);
            } finally {
                pkcs11.getMethod("C_CloseSession", long.class).invoke(module, session);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot remove object " + handle + " from PKCS#11 slot " + slot, e);
        }
    }

    /** The library's module, initialised once per process (the wrapper keeps one per path, shared with SunPKCS11). */
    private static Object module(String library) throws ReflectiveOperationException {
        Class<?> pkcs11 = Class.forName(WRAPPER + "PKCS11");
        Class<?> initArgsType = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
        Object initArgs = initArgsType.getConstructor().newInstance();
        // As SunPKCS11 does: a module initialised without OS locking may not be used from several threads.
        initArgsType.getField("flags").setLong(initArgs, CKF_OS_LOCKING_OK);
        return pkcs11.getMethod("getInstance", String.class, String.class, initArgsType, boolean.class)
                .invoke(null, library, "C_GetFunctionList", initArgs, false);
    }

    /** CK_ATTRIBUTE[] from (type, value) pairs; a null value asks for the attribute. */
    private static Object template(Class<?> attribute, Object... typesAndValues) throws ReflectiveOperationException {
        Object array = java.lang.reflect.Array.newInstance(attribute, typesAndValues.length / 2);
        for (int i = 0; i < typesAndValues.length; i += 2) {
            long type = (long) typesAndValues[i];
            Object value = typesAndValues[i + 1];
            Object a = value == null ? attribute.getConstructor(long.class).newInstance(type)
                    : value instanceof Long l ? attribute.getConstructor(long.class, long.class).newInstance(type, l)
                    : value instanceof Boolean b ? attribute.getConstructor(long.class, boolean.class).newInstance(type, b)
                    : attribute.getConstructor(long.class, Object.class).newInstance(type,
                    value instanceof String str ? str.toCharArray() : value);
            java.lang.reflect.Array.set(array, i / 2, a);
        }
        return array;
    }

    private static ProvisioningException notExported(String what) {
        return ProvisioningException.badRequest(what + " needs the JVM option " + EXPORT + " (the muster launcher"
                + " passes it); or name the slot (pkcs11:slot-id=N) and store the certificate with the key yourself.");
    }
}
