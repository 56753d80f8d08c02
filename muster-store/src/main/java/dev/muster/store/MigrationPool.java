package dev.muster.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A Java migration's one connection as a pool, so it can use {@link Jdbc}: closing a borrowed connection leaves it
 * open for Flyway, which owns it.
 */
final class MigrationPool {
    private MigrationPool() {}

    static DataSource of(Connection connection) {
        Connection borrowed = proxy(Connection.class, (method, args) ->
                method.getName().equals("close") ? null : method.invoke(connection, args));
        return proxy(DataSource.class, (method, args) -> {
            if (method.getName().equals("getConnection")) {
                return borrowed;
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    private interface Call {
        Object on(Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            try {
                return call.on(method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
