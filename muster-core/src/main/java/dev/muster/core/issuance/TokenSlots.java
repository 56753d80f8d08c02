package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot of a token by its label. The JDK's SunPKCS11 configuration selects a slot only by number, and slot
 * numbers change (SoftHSM2 gives a token a new one when it is initialised), so operators name tokens by label and this
 * asks the library through the JDK's PKCS#11 wrapper. The wrapper is internal: the JVM must run with
 * {@value #EXPORT} (the launcher and the test set-up pass it); without it the error names the option.
 */
final class TokenSlots {
    static final String EXPORT = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    private static final long CKF_OS_LOCKING_OK = 0x2L;

    private TokenSlots() {}

    /** The slot holding the token labelled {@code label} (labels are blank-padded to 32 characters in PKCS#11). */
    static long slotOf(String library, String label) {
        List<String> seen = new ArrayList<>();
        try {
            Class<?> pkcs11 = Class.forName(WRAPPER + "PKCS11");
            Class<?> initArgsType = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
            Object initArgs = initArgsType.getConstructor().newInstance();
            // As SunPKCS11 does: a module initialised without OS locking may not be used from several threads.
            initArgsType.getField("flags").setLong(initArgs, CKF_OS_LOCKING_OK);
            Object module = pkcs11.getMethod("getInstance", String.class, String.class, initArgsType, boolean.class)
                    .invoke(null, library, "C_GetFunctionList", initArgs, false);
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
            throw ProvisioningException.badRequest("Finding PKCS#11 token '" + label + "' by its label needs the JVM"
                    + " option " + EXPORT + " (the muster launcher passes it); or name the slot (pkcs11:slot-id=N).");
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
}
