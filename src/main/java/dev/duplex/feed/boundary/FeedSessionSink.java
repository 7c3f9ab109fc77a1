package dev.duplex.feed.boundary;

import dev.duplex.feed.control.FeedSink;
import dev.duplex.feed.entity.BinaryFeedEncoder;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import dev.duplex.platform.Connections;
import dev.duplex.platform.Outbox;
import dev.duplex.platform.TextAssembler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@code /feed} session as a {@link FeedSink}: encodes each message for the negotiated
 * subprotocol (under {@code feed.bin} snapshots and updates with the session's own
 * {@link BinaryFeedEncoder}, everything else as JSON text) and writes it through the session's
 * platform {@link Outbox} (byte bound, memory budget, slow-consumer close, counted in
 * {@link Connections}). Its subscriber calls {@link #send} one group at a time, so the
 * binary encoder (not thread-safe) is used by one thread at a time, in order.
 */
final class FeedSessionSink implements FeedSink {

    private static final System.Logger LOG = System.getLogger(FeedSessionSink.class.getName());

    private final Session session;
    private final Connections connections;
    private final String protocol;
    private final BinaryFeedEncoder binary;
    private final Outbox outbox;

    FeedSessionSink(Session session, Connections connections, String protocol) {
        this.session = session;
        this.connections = connections;
        this.protocol = protocol;
        this.binary = FeedEndpoint.BINARY.equals(protocol) ? new BinaryFeedEncoder() : null;
        this.outbox = connections.outbox(session, Outbox.transport(session), 0, null);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public long[] send(List<FeedMessage> messages, Map<Update, String> tails, Consumer<Throwable> done) {
        List<Object> encoded = new ArrayList<>(messages.size());
        try {
            synchronized (this) {
                for (FeedMessage message : messages) {
                    encoded.add(encode(message, tails));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Feed session " + session.getId() + ": a message could not be encoded", e);
            done.accept(e);
            close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "Internal error");
            return null;
        }
        AtomicInteger remaining = new AtomicInteger(encoded.size());
        AtomicBoolean reported = new AtomicBoolean();
        long[] sizes = new long[encoded.size()];
        for (int i = 0; i < sizes.length; i++) {
            Object message = encoded.get(i);
            sizes[i] = message instanceof String text ? TextAssembler.utf8Length(text) : ((ByteBuffer) message).remaining();
        }
        for (int i = 0; i < sizes.length; i++) {
            Object message = encoded.get(i);
            long bytes = sizes[i];
            outbox.offer(message, bytes, null, error -> {
                if (error != null) {
                    if (reported.compareAndSet(false, true)) {
                        done.accept(error);
                    }
                    return;
                }
                connections.sent(session, bytes);
                if (remaining.decrementAndGet() == 0 && reported.compareAndSet(false, true)) {
                    done.accept(null);
                }
            });
        }        return sizes;
    }

    private Object encode(FeedMessage message, Map<Update, String> tails) {
        if (binary != null) {
            if (message instanceof FeedMessage.Snapshot || message instanceof FeedMessage.Updates) {
                return binary.encode(List.of(message));
            }
            if (message instanceof FeedMessage.Unsubscribed unsubscribed) {
                // nothing of the subscription follows its answer: its item handles can go
                binary.forget(unsubscribed.subscription());
            }
        }
        if (message instanceof FeedMessage.Updates updates && !tails.isEmpty()) {
            // changes delivered unmerged were written once for every subscriber; only the id is this session's
            List<CharSequence> fragments = new ArrayList<>(updates.updates().size());
            for (Update update : updates.updates()) {
                String tail = tails.get(update);
                if (tail == null) {
                    fragments.add(JsonFeedCodec.update(update));
                } else {
                    StringBuilder fragment = new StringBuilder(tail.length() + 16);
                    JsonFeedCodec.appendUpdate(fragment, update.subscription(), tail);
                    fragments.add(fragment);
                }
            }
            return JsonFeedCodec.updates(fragments);
        }
        return JsonFeedCodec.encode(message);
    }

    @Override
    public void closeSlowConsumer() {
        connections.refused("slow consumer");
        close(Outbox.SLOW_CONSUMER_CODE, Outbox.SLOW_CONSUMER);
    }

    private void close(int code, String reason) {
        try {
            connections.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Feed session " + session.getId() + " did not close cleanly: " + e);
        }
    }
}
