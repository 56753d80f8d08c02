package dev.muster.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device's TPM driven through tpm2-tools (TCTI from {@code TPM2TOOLS_TCTI}, e.g. a software TPM), doing what
 * the Azure device SDKs do (reference §6.3): persistent EK at 0x81010001 and SRK at 0x81000001, activation of the
 * DPS authenticationKey into the identity key at 0x81000100, and HMAC signing with that key.
 */
public final class TpmToolsDevice {
    public static final String EK_HANDLE = "0x81010001";
    public static final String SRK_HANDLE = "0x81000001";
    public static final String ID_KEY_HANDLE = "0x81000100";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** tpm2-tools' credential file: magic BADCC0DE, version 1, then TPM2B_ID_OBJECT ‖ TPM2B_ENCRYPTED_SECRET. */
    private static final byte[] CREDENTIAL_HEADER = {(byte) 0xBA, (byte) 0xDC, (byte) 0xC0, (byte) 0xDE, 0, 0, 0, 1};

    private final Path work;
    private final Map<String, String> environment;

    /** A tpm2-tools step the TPM (or the tool) refused. */
    public static final class ToolFailure extends RuntimeException {
        public ToolFailure(String message) {
            super(message);
        }
    }

    /** @param environment extra environment for the tools, e.g. {@code TPM2TOOLS_TCTI} (empty: inherit) */
    public TpmToolsDevice(Path work, Map<String, String> environment) {
        this.work = work;
        this.environment = environment;
    }

    /** The EK and SRK public areas (TPM2B_PUBLIC), creating and persisting them on first use. */
    public record Keys(byte[] endorsementKey, byte[] storageRootKey) {}

    public Keys keys() {
        String persistent = run("tpm2_getcap", "handles-persistent");
        if (!persistent.contains(EK_HANDLE)) {
            run("tpm2_createek", "-c", EK_HANDLE, "-G", "rsa", "-u", "ek.pub");
        }
        if (!persistent.contains(SRK_HANDLE)) {
            run("tpm2_createprimary", "-C", "o", "-g", "sha256", "-G", "rsa2048:null:aes128cfb",
                    "-a", "restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda", "-c", "srk.ctx");
            run("tpm2_evictcontrol", "-C", "o", "-c", "srk.ctx", SRK_HANDLE);
        }
        run("tpm2_readpublic", "-c", EK_HANDLE, "-o", "ek.pub");
        run("tpm2_readpublic", "-c", SRK_HANDLE, "-o", "srk.pub");
        flushTransient();
        return new Keys(read("ek.pub"), read("srk.pub"));
    }

    /** Imports the key inside an activation blob as the identity key (replacing an older one). */
    public void activate(byte[] blob) {
        List<byte[]> parts = dev.muster.core.tpm.ActivationBlob.parts(blob);
        write("cred.blob", concat(CREDENTIAL_HEADER, parts.get(0), parts.get(1)));
        write("id.dup", parts.get(2));
        write("id.seed", parts.get(3));
        write("id.pub", parts.get(4));
        try {
            run("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            run("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
            run("tpm2_activatecredential", "-c", SRK_HANDLE, "-C", EK_HANDLE, "-i", "cred.blob", "-o", "inner.key",
                    "-P", "session:session.ctx");
            run("tpm2_flushcontext", "session.ctx");
            run("tpm2_import", "-C", SRK_HANDLE, "-u", "id.pub", "-i", "id.dup", "-s", "id.seed", "-k", "inner.key",
                    "-r", "id.priv");
            run("tpm2_load", "-C", SRK_HANDLE, "-u", "id.pub", "-r", "id.priv", "-c", "id.ctx");
            if (run("tpm2_getcap", "handles-persistent").contains(ID_KEY_HANDLE)) {
                run("tpm2_evictcontrol", "-C", "o", "-c", ID_KEY_HANDLE);
            }
            run("tpm2_evictcontrol", "-C", "o", "-c", "id.ctx", ID_KEY_HANDLE);
        } catch (ToolFailure refused) {
            exec(List.of("tpm2_flushcontext", "-s"));
            throw refused;
        } finally {
            // Without a resource manager a TPM has few transient slots: leave nothing loaded.
            flushTransient();
        }
    }

    /** HMAC-SHA256 by the identity key, as the SDKs sign SAS tokens. */
    public byte[] hmac(byte[] data) {
        write("tosign.bin", data);
        run("tpm2_hmac", "-c", ID_KEY_HANDLE, "-g", "sha256", "-o", "sig.bin", "tosign.bin");
        return read("sig.bin");
    }

    private void flushTransient() {
        exec(List.of("tpm2_flushcontext", "-t"));
    }

    /** Runs one tpm2-tools command against this TPM; its output, or a ToolFailure. */
    public String run(String... command) {
        Result r = exec(List.of(command));
        if (r.exit != 0) {
            throw new ToolFailure(command[0] + " failed (exit " + r.exit + "): " + r.output.strip());
        }
        return r.output;
    }

    private record Result(int exit, String output) {}

    private Result exec(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
            pb.environment().putAll(environment);
            Path out = Files.createTempFile(work, ".tool", ".out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ToolFailure(command.get(0) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            throw new ToolFailure("cannot run " + command.get(0) + " (is tpm2-tools installed?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted");
        }
    }

    private byte[] read(String name) {
        try {
            return Files.readAllBytes(work.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String name, byte[] data) {
        try {
            Files.write(work.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... arrays) {
        int n = 0;
        for (byte[] a : arrays) {
            n += a.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] a : arrays) {
            System.arraycopy(a, 0, out, pos, a.length);
            pos += a.length;
        }
        return out;
    }
}
