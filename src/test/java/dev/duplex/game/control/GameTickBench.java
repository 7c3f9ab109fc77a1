package dev.duplex.game.control;

import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.SnapshotCodec;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * G1 without the network: ROOMS rooms × 8 players ticked in process, every player sending one
 * input per tick and acknowledging the snapshot of LAG ticks ago (a round trip). Prints the CPU
 * a tick of every room takes and the snapshot bytes per player per second, with and without delta
 * compression. Not a test: {@code java -cp target/classes:target/test-classes:... dev.duplex.game.control.GameTickBench [rooms] [lag]}.
 */
public final class GameTickBench {

    private GameTickBench() {
    }

    static final class CountingSink implements GameSink {
        long bytes;
        long lastTick;
        final List<Long> ticks = new ArrayList<>();

        @Override
        public boolean send(ByteBuffer message) {
            if ((message.get(message.position()) & 0xFF) == GameCodec.SNAPSHOT) {
                bytes += message.remaining();
                lastTick = message.getInt(message.position() + 1) & 0xFFFFFFFFL;
                ticks.add(lastTick);
            }
            return true;
        }

        @Override
        public void close(int code, String reason) {
            throw new IllegalStateException(code + " " + reason);
        }

        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }
    }

    public static void main(String[] args) throws Exception {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int lag = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (boolean delta : new boolean[] {true, false, true, false}) {
            run(rooms, lag, delta);
        }
    }

    private static void run(int rooms, int lag, boolean delta) throws Exception {
        AtomicLong clock = new AtomicLong();
        GameSettings settings = new GameSettings(30, 8, 16, rooms, 40, 15, 1000, 1000, delta, 32, 600);
        GameRooms game = new GameRooms(settings, null, clock::get, 1);
        List<GameRooms.Seat> seats = new ArrayList<>();
        List<CountingSink> sinks = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            for (int p = 0; p < 8; p++) {
                CountingSink sink = new CountingSink();
                seats.add(game.join(new ClientMessage.Join(false, "b" + p, "r" + r, new byte[0]), sink));
                sinks.add(sink);
            }
        }
        int warmup = 150;
        int ticks = 600;
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long bytesStart = 0;
        for (int t = 0; t < warmup + ticks; t++) {
            if (t == warmup) {
                cpuStart = threads.getCurrentThreadCpuTime();
                bytesStart = sinks.stream().mapToLong(s -> s.bytes).sum();
            }
            for (int i = 0; i < seats.size(); i++) {
                CountingSink sink = sinks.get(i);
                long ack = sink.ticks.size() > lag ? sink.ticks.get(sink.ticks.size() - 1 - lag) : 0;
                int dx = ((t / 40 + i) % 3) * 127 - 127;
                int dy = ((t / 55 + i) % 3) * 127 - 127;
                game.input(seats.get(i), new Input(t + 1, dx, dy, 0), ack);
            }
            clock.addAndGet(1_000_000_000L / 30);
            game.tickAll();
        }
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        long bytes = sinks.stream().mapToLong(s -> s.bytes).sum() - bytesStart;
        double seconds = ticks / 30.0;
        System.out.printf(Locale.ROOT, "delta=%-5s rooms=%d players=%d ack-lag=%d ticks: CPU per tick of all rooms %.2f ms (%.1f %% of a core at 30 Hz),"
                + " %.1f µs per player-tick; snapshot bytes per player per second %.0f%n", delta, rooms, seats.size(), lag,
                cpuMs / ticks, cpuMs / ticks * 30 / 10, cpuMs * 1000 / ticks / seats.size(), bytes / seconds / seats.size());
        game.stop();
    }
}
