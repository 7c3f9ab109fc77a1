package dev.duplex.game.boundary;

import dev.duplex.game.control.GameSink;
import dev.duplex.platform.Connections;
import dev.duplex.platform.MemoryBudget;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * A {@code /game} session as a {@link GameSink}: messages go through the session's platform outbox
 * ({@link Connections#send}: write-queue bound, memory budget, slow-consumer close), what the
 * room keeps for the client is charged to the session's memory account.
 */
final class GameSessionSink implements GameSink {

    private static final System.Logger LOG = System.getLogger(GameSessionSink.class.getName());

    private final Session session;
    private final Connections connections;
    private final MemoryBudget.Account account;

    GameSessionSink(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
        this.account = connections.budget(session);
    }

    @Override
    public boolean send(ByteBuffer message) {
        return connections.send(session, message);
    }

    @Override
    public void close(int code, String reason) {
        try {
            connections.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Game session " + session.getId() + " did not close cleanly: " + e);
        }
    }

    @Override
    public boolean reserve(long bytes) {
        return account.tryReserve(bytes);
    }

    @Override
    public void release(long bytes) {
        account.release(bytes);
    }
}
