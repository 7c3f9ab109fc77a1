package dev.duplex.bench.serve;

import dev.duplex.bench.Options;
import dev.duplex.bench.UsageException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve jetty|netty|tcp --port P [--host 127.0.0.1]}: runs a reference echo server until the
 * process is stopped (Ctrl+C or SIGTERM). WebSocket servers answer on {@code /echo}.
 */
public final class Serve {

    private Serve() {
    }

    public static void run(Options options, PrintStream out) throws Exception {
        String kind = options.positional().isEmpty() ? "" : options.positional().get(0);
        String host = options.string("host", "127.0.0.1");
        int port = (int) options.integer("port", 0, 0, 65_535);
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"::1".equals(host)
                && !options.flag("allow-remote")) {
            throw new UsageException("serve binds loopback only; --host " + host + " needs --allow-remote");
        }
        options.rejectUnknown();
        AutoCloseable server;
        int bound;
        switch (kind) {
            case "netty" -> {
                NettyServers.Running s = NettyServers.websocketEcho(host, port);
                server = s;
                bound = s.port();
            }
            case "tcp" -> {
                NettyServers.Running s = NettyServers.tcpEcho(host, port);
                server = s;
                bound = s.port();
            }
            case "jetty" -> {
                JettyEchoServer s = JettyEchoServer.start(host, port);
                server = s;
                bound = s.port();
            }
            default -> throw new UsageException("serve needs one of: jetty, netty, tcp");
        }
        String url = "tcp".equals(kind) ? "tcp://" + host + ":" + bound : "ws://" + host + ":" + bound + "/echo";
        out.println(kind + " echo server ready on " + url + " (pid " + ProcessHandle.current().pid() + ")");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("stopping the " + kind + " server failed: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
