package dev.muster.core.operations;

/**
 * What is metered. Billed kinds are Azure's billing unit; failed attempts are counted but not billed. A bulk
 * enrollment item is billed as the create, update or delete it is, and also counted as a bulk item (not billed again).
 */
public enum OperationKind {
    REGISTRATION(true), RE_REGISTRATION(true), ENROLLMENT_CREATE(true), ENROLLMENT_UPDATE(true),
    ENROLLMENT_DELETE(true), REGISTRATION_DELETE(true), FAILED_REGISTRATION(false), ENROLLMENT_BULK_ITEM(false);

    private final boolean billed;

    OperationKind(boolean billed) {
        this.billed = billed;
    }

    public boolean billed() {
        return billed;
    }

    public String wireName() {
        String[] parts = name().toLowerCase().split("_");
        StringBuilder s = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            s.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return s.toString();
    }
}
