package dev.muster.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A pool that writes down every exchange with the database server: each statement executed and each commit or
 * rollback (what costs a network round trip on PostgreSQL; opening a transaction does not, the driver sends BEGIN
 * with the next statement).
 */
final class CountingDataSource {
    private final DataSource target;
    final List<String> roundTrips = new CopyOnWriteArrayList<>();

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    DataSource dataSource() {
        return proxy(DataSource.class, target, (method, args, result) -> result instanceof Connection c
                ? proxy(Connection.class, c, this::connectionCall) : result);
    }

    private Object connectionCall(Method method, Object[] args, Object result) {
        switch (method.getName()) {
            case "commit", "rollback" -> roundTrips.add(method.getName().toUpperCase());
            default -> { }
        }
        if (result instanceof Statement s) {
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : "(statement)";
            Class<?> type = s instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
            return proxy(type, s, (m, a, r) -> {
                if (m.getName().startsWith("execute")) {
                    roundTrips.add(a != null && a.length > 0 && a[0] instanceof String text ? text : sql);
                }
                return r;
            });
        }
        return result;
    }

    @FunctionalInterface
    private interface After {
        Object apply(Method method, Object[] args, Object result);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, After after) {
        InvocationHandler handler = (p, method, args) -> {
            try {
                return after.apply(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
