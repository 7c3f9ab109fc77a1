package dev.duplex.platform.engine;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The input stream of an upgraded connection as Tyrus' upgrade handler sees it once the read guard
 * is installed: every read takes bytes from the container's stream and hands back only what the
 * {@link ReadGuardFilter} lets pass. Tyrus reads on one thread per connection in a loop (read,
 * hand the bytes to its frame parser, ask {@link #isReady}); the filter's charges for frames
 * passed whole are given back at the next {@code isReady}, {@code available} or {@code read}, that
 * is once Tyrus has taken them.
 *
 * <p>It also keeps the engine's buffer of a partly received frame in step with what has arrived:
 * before each read ({@link #available}, which Tyrus asks first) the buffer is grown, when the bytes
 * ready to be read would not fit it, to twice what it holds (at most to the end of the frame; at
 * least what is ready), so that a 15 MiB frame is not copied over and over as it grows read by
 * read, and that capacity is charged to the budget before it is allocated. It is never sized for
 * bytes that have not arrived beyond that: a frame's buffer and charge are at most twice what
 * arrived of it plus what is ready to be read, so a header announcing 16 MiB followed by a trickle
 * holds a few hundred bytes.
 */
final class ReadGuardStream extends ServletInputStream {

    private static final int SCRATCH = 16 * 1024;
    /** Frames at least this large are followed by a {@link EngineBuffer#trim}. */
    static final long LARGE_FRAME = ReadGuardFilter.LARGE_FRAME;

    private final ServletInputStream in;
    private final ReadGuardFilter filter;
    private final EngineBuffer engineBuffer;
    private byte[] scratch = new byte[SCRATCH];
    /** Filtered bytes that did not fit the caller's array (only when a caller asks for fewer than 14 bytes). */
    private byte[] leftover = new byte[0];
    private int leftoverStart;
    /** Set by {@link #end} on any thread; acted on by the read thread at its next call. */
    private volatile boolean ended;
    private boolean endHandled;
    /** Told once, when the engine has read the first whole frame header through this stream; null after. */
    private Runnable firstFrame;

    /** The engine's buffer of a partly received frame (see {@link ReadGuard}); called on the read thread. */
    interface EngineBuffer {
        /**
         * How many bytes the buffer holds up to its limit, and how many it can hold; null when
         * unknown (then it is left to the engine).
         */
        Room room();

        /** Replaces the buffer with one of {@code capacity} bytes holding what it holds now. */
        void resize(int capacity);

        /** Lets go of the room a large frame took, once it was handed on. */
        void trim();

        /** Lets go of whatever the engine holds of a frame (the session ended part-way through it). */
        void drop();
    }

    /** The engine's buffer: its limit (bytes up to which it is filled) and its capacity. */
    record Room(int limit, int capacity) {
    }

    /**
     * Tells {@code seen} once, on the read thread, when the engine has read bytes through this stream
     * that complete a frame header: the proof that the engine reads the connection through the guard.
     */
    void onFirstFrame(Runnable seen) {
        this.firstFrame = seen;
    }

    ReadGuardStream(ServletInputStream in, ReadGuardFilter filter, EngineBuffer engineBuffer) {
        this.in = in;
        this.filter = filter;
        this.engineBuffer = engineBuffer;
    }

    /**
     * Gives back the frames the engine has taken; drops the engine's part of a frame cut off
     * part-way; trims the engine's buffer after a large frame; and, when {@code ready} bytes are
     * about to be read into a charged frame that the engine's buffer cannot take, grows it.
     */
    private void settle(long ready) {
        if (ended && !endHandled) {
            endHandled = true;
            if (filter.end()) {
                engineBuffer.drop();
            } else {
                engineBuffer.trim();
            }
        }
        if (filter.takeCut()) {
            engineBuffer.drop();
        }
        long back = filter.settle();
        if (filter.takeLargeDone() || back >= LARGE_FRAME) {
            engineBuffer.trim();
        }
        if (ready > 0 && filter.charging()) {
            grow(ready);
        }
    }

    /** Grows the engine's buffer of the charged frame being received when {@code ready} more bytes would not fit it. */
    private void grow(long ready) {
        Room room = engineBuffer.room();
        if (room == null) {
            return;
        }
        long limit = room.limit();
        // Tyrus appends in place only when the bytes are fewer than the room left (else it copies)
        long needed = limit + ready + 1;
        if (needed <= room.capacity()) {
            return;
        }
        // twice what it holds (amortised: each byte is copied about twice in all), never past the frame's end
        long wanted = Math.max(needed, Math.min(2 * limit, limit + filter.payloadToCome() + 1));
        if (wanted > Integer.MAX_VALUE - 16) {
            return;
        }
        // what the buffer holds beyond this frame's arrived bytes (its header, another frame) is not this frame's to charge
        long charge = wanted - Math.max(0, limit - filter.arrived());
        if (filter.cover(charge)) {
            engineBuffer.resize((int) wanted);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = guardedRead(b, off, len);
        Runnable seen = firstFrame;
        if (seen != null && n > 0 && filter.frames() > 0) {
            firstFrame = null;
            seen.run();
        }
        return n;
    }

    private int guardedRead(byte[] b, int off, int len) throws IOException {
        settle(0);
        if (len == 0) {
            return 0;
        }
        if (leftoverStart < leftover.length) {
            int n = Math.min(len, leftover.length - leftoverStart);
            System.arraycopy(leftover, leftoverStart, b, off, n);
            leftoverStart += n;
            return n;
        }
        if (filter.refused() && len > filter.held()) {
            return drain(b, off, len);
        }
        if (filter.held() == 0) {
            // nothing held back: filter in place (output never overtakes input then), no extra copy
            int read = in.read(b, off, len);
            return read <= 0 ? read : filter.filter(b, off, read, b, off);
        }
        int room = Math.max(1, len - filter.held());
        if (scratch.length < room) {
            scratch = new byte[Math.min(room, 256 * 1024)];
        }
        int read = in.read(scratch, 0, Math.min(room, scratch.length));
        if (read <= 0) {
            return read;
        }
        if (len - filter.held() >= read) {
            return filter.filter(scratch, 0, read, b, off);
        }
        byte[] out = new byte[filter.held() + read];
        int n = filter.filter(scratch, 0, read, out, 0);
        int now = Math.min(n, len);
        System.arraycopy(out, 0, b, off, now);
        leftover = Arrays.copyOfRange(out, now, n);
        leftoverStart = 0;
        return now;
    }

    /**
     * After a refusal: reads and drops all the container has ready into this stream's own scratch
     * array, returning only when a control frame passes (or nothing more is ready), so that Tyrus
     * does not allocate a fresh array for every chunk of a frame that is thrown away.
     */
    private int drain(byte[] b, int off, int len) throws IOException {
        while (true) {
            int room = Math.min(scratch.length, len - filter.held());
            int read = in.read(scratch, 0, room);
            if (read <= 0) {
                return read;
            }
            int n = filter.filter(scratch, 0, read, b, off);
            if (n > 0 || !in.isReady()) {
                return n;
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0 && isReady());
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    /** What the container has, plus room for a held-back frame header, so that callers size their arrays to fit. */
    @Override
    public int available() throws IOException {
        int pending = leftover.length - leftoverStart;
        if (pending > 0) {
            settle(0);
            return pending;
        }
        int available = in.available();
        settle(Math.max(0, available));
        return available <= 0 ? available : available + filter.held();
    }

    @Override
    public boolean isFinished() {
        return leftoverStart >= leftover.length && in.isFinished();
    }

    @Override
    public boolean isReady() {
        settle(0);
        return leftoverStart < leftover.length || in.isReady();
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        in.setReadListener(readListener);
    }

    /**
     * The session ended (any thread): at its next call the read thread stops passing data frames,
     * drops the part of a data frame the engine holds, and trims the engine's buffer, so nothing
     * large stays reachable from the engine's connection objects, which outlive the session.
     */
    void end() {
        ended = true;
    }

    /**
     * The sweep's check of the minimum data rate (any thread): when the message being received fell
     * under it, stops passing data frames from the next read on and returns true (once).
     */
    boolean tooSlow(long now) {
        if (filter.rate().tooSlow(now)) {
            ended = true;
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        filter.release();
        in.close();
    }
}
