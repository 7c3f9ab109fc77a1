package dev.duplex.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A round-robin TCP load balancer on loopback for the cluster test, doing what the compose file's
 * nginx does for WebSockets: each new connection goes to the next backend, and to the one after
 * when a backend refuses the connection (nginx {@code proxy_next_upstream error}); bytes are
 * relayed untouched both ways, so the HTTP upgrade and every frame pass through; when either side
 * closes, both do (so a dying instance drops its clients, who reconnect through the balancer).
 * Nagle's algorithm is off on both legs, as nginx does for WebSocket proxying ({@code tcp_nodelay}).
 *
 * <p>Why not nginx itself: Debian's nginx package is not on the build machines, and installing it
 * starts a system-wide daemon on port 80. This class needs nothing and is confined to the test.
 */
public final class TcpBalancer implements AutoCloseable {

    private final ServerSocket server;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Integer> routed = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    public TcpBalancer(List<InetSocketAddress> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "balancer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Which backend (index) each connection went to, in order. */
    public List<Integer> routed() {
        return List.copyOf(routed);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                Thread connector = new Thread(() -> connect(client), "balancer-connect");
                connector.setDaemon(true);
                connector.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), backends.size());
        for (int i = 0; i < backends.size(); i++) {
            int index = (first + i) % backends.size();
            Socket backend = new Socket();
            try {
                backend.setTcpNoDelay(true);
                backend.connect(backends.get(index), 2_000);
            } catch (IOException refused) {
                close(backend);
                continue;
            }
            sockets.add(backend);
            routed.add(index);
            relay(client, backend, "up");
            relay(backend, client, "down");
            return;
        }
        close(client);
    }

    private void relay(Socket from, Socket to, String direction) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: close both below
            } finally {
                close(from);
                close(to);
            }
        }, "balancer-" + direction);
        pump.setDaemon(true);
        pump.start();
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : List.copyOf(sockets)) {
            close(socket);
        }
    }

}
