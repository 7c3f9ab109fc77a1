package dev.duplex.draw.control;

import java.util.function.Consumer;

/** The bus of an instance alone: it owns every board and has nobody to send to. */
public final class LocalDrawBus implements DrawBus {

    private final String instance;

    public LocalDrawBus(String instance) {
        this.instance = instance;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public int instances() {
        return 1;
    }

    @Override
    public void start(Consumer<byte[]> inbox, Runnable ownersChanged) {
    }

    @Override
    public String owner(String board) {
        return instance;
    }

    @Override
    public void release(String board) {
    }

    @Override
    public boolean alive(String other) {
        return instance.equals(other);
    }

    @Override
    public void send(String other, byte[] message) {
        throw new IllegalStateException("Instance " + instance + " runs alone: there is no instance " + other);
    }

    @Override
    public void close() {
    }
}
