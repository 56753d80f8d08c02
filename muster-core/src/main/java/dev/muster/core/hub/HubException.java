package dev.muster.core.hub;

/** A hub could not be reached, refused the credentials or rejected a request. */
public class HubException extends RuntimeException {
    private final String hostName;
    private final int status;

    public HubException(String hostName, int status, String message) {
        super(message);
        this.hostName = hostName;
        this.status = status;
    }

    public HubException(String hostName, String message, Throwable cause) {
        super(message, cause);
        this.hostName = hostName;
        this.status = 0;
    }

    public String hostName() { return hostName; }

    /** HTTP status the hub answered, or 0 if it could not be reached. */
    public int status() { return status; }

    public boolean unauthorized() { return status == 401 || status == 403; }
}
