package dev.muster.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: nginx from Debian's packages answering a fixed small JSON body over TLS with the same ECDSA P-256
 * certificate and key as Muster (DATA_DIR/tls/server.pem, server-key.pem), on a free loopback port. It runs as a
 * child process in the foreground ({@code daemon off}) with a generated configuration in a temporary folder, and is
 * stopped when the phase ends (and by a shutdown hook if the benchmark is interrupted).
 */
public final class Nginx implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final Thread hook;

    private Nginx(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.hook = new Thread(process::destroy, "bench-nginx-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The nginx binary: --nginx, else PATH, else /usr/sbin/nginx; null when there is none. */
    public static Path find(Path explicit) {
        if (explicit != null) {
            return Files.isExecutable(explicit) ? explicit : null;
        }
        String path = dev.muster.cli.Environment.path();
        List<String> dirs = new ArrayList<>(List.of(path.split(":")));
        dirs.add("/usr/sbin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nginx"))) {
                return Path.of(d, "nginx");
            }
        }
        return null;
    }

    /**
     * Installs Debian's nginx-light when we are root on a machine with apt-get (the package's own service is not
     * started: policy-rc.d or the absence of an init system stops it, and we never use it). Returns the binary or null.
     */
    public static Path install(java.io.PrintStream log) throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return null;
        }
        log.println("nginx not found: installing Debian's nginx-light (apt-get install -y nginx-light) …");
        try {
            Process p = new ProcessBuilder("apt-get", "install", "-y", "-q", "nginx-light")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return find(null);
    }

    /** Starts nginx on 127.0.0.1 (port 0: a free one) and waits until it accepts connections. */
    public static Nginx start(Path binary, Path certificate, Path key, int port, int workers, String body)
            throws IOException, InterruptedException {
        return start(binary, certificate, key, port, workers, body, null);
    }

    /**
     * As {@link #start(Path, Path, Path, int, int, String)}, and with {@code clientCa} nginx asks every client for a
     * certificate and verifies it against that CA (PEM) before answering: the ceiling for an X.509 storm, whose
     * handshakes carry and check a client chain.
     */
    public static Nginx start(Path binary, Path certificate, Path key, int port, int workers, String body, Path clientCa)
            throws IOException, InterruptedException {
        int p = port > 0 ? port : freePort();
        Path dir = Files.createTempDirectory("muster-bench-nginx-");
        for (String sub : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, certificate.toAbsolutePath(), key.toAbsolutePath(), p, workers, body,
                clientCa == null ? null : clientCa.toAbsolutePath()));
        Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
                nginx.close();
                throw new IOException("nginx exited at start (code " + process.exitValue() + "): " + log.strip());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 200);
                return nginx;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        nginx.close();
        throw new IOException("nginx did not listen on 127.0.0.1:" + p + " within 10 s");
    }

    /** The generated configuration: TLS only, no logging, one fixed answer for every path. */
    static String config(Path dir, Path certificate, Path key, int port, int workers, String body, Path clientCa) {
        String verify = clientCa == null ? "" : String.join("\n",
                "    ssl_client_certificate " + clientCa + ";",
                "    ssl_verify_client on;",
                "    ssl_verify_depth 2;");
        return String.join("\n",
                "daemon off;",
                "master_process on;",
                "worker_processes " + (workers > 0 ? Integer.toString(workers) : "auto") + ";",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 4096; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl;",
                "    ssl_certificate " + certificate + ";",
                "    ssl_certificate_key " + key + ";",
                "    ssl_protocols TLSv1.2 TLSv1.3;",
                verify,
                "    location / {",
                "      default_type \"application/json; charset=utf-8\";",
                "      return 200 '" + body + "';",
                "    }",
                "  }",
                "}", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the master stops its workers
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it eventually
        }
    }
}
