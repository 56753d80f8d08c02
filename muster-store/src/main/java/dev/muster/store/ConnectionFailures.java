package dev.muster.store;

import java.sql.SQLException;

/** Turns the driver's reason for refusing a first connection into one sentence naming the fix. */
final class ConnectionFailures {
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private ConnectionFailures() {}

    static StoreException describe(DatabaseUrl target, RuntimeException failure) {
        SQLException sql = sqlCause(failure);
        String where = target.redactedJdbcUrl();
        String reason = sql == null ? String.valueOf(failure.getMessage()) : firstLine(sql.getMessage());
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (sql != null && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
            return new StoreException("The embedded database " + h2File(where)
                    + " is locked by another process; is another Muster using the same data directory?", failure);
        }
        if (state.startsWith("28")) {
            return new StoreException("The database at " + where + " refused the credentials of user '" + target.user()
                    + "': " + reason, failure);
        }
        if (state.equals("3D000")) {
            return new StoreException("The database named in " + where + " does not exist; create it first: " + reason,
                    failure);
        }
        return new StoreException("Cannot reach the database at " + where + ": " + reason, failure);
    }

    /** The file part of an H2 URL: what the operator recognises, without the connection options. */
    private static String h2File(String url) {
        String file = url.replaceFirst("(?i)^jdbc:h2:(file:)?", "");
        int options = file.indexOf(';');
        return options < 0 ? file : file.substring(0, options);
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
