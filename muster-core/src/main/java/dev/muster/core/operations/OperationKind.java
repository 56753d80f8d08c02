package dev.muster.core.operations;

/** What is metered. Billed kinds are Azure's billing unit; failed attempts are counted but not billed. */
public enum OperationKind {
    REGISTRATION(true), RE_REGISTRATION(true), ENROLLMENT_CREATE(true), ENROLLMENT_UPDATE(true),
    ENROLLMENT_DELETE(true), REGISTRATION_DELETE(true), FAILED_REGISTRATION(false),
    /**
     * A successful item of a bulk enrollment operation. Counted alongside the item's own create/update/delete
     * (which is what is billed), so it is not billed again.
     */
    BULK_ITEM(false);

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
