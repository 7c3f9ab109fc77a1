package dev.duplex.image.control;

import dev.duplex.image.entity.ImageReply;

/**
 * Everything one message from the client gets back: a JSON message and, after a result, the image.
 *
 * @param message    the JSON reply, or null when nothing is to be sent (the connection closed meanwhile)
 * @param image      the binary message that follows, or null
 * @param handedOver runs once the reply has been handed to the outbox or dropped: gives the image's
 *                   memory charge back (the outbox charges what it queues itself)
 */
record Reply(ImageReply message, byte[] image, Runnable handedOver) {

    static final Reply NONE = new Reply(null, null);

    Reply(ImageReply message, byte[] image) {
        this(message, image, () -> { });
    }

    static Reply of(ImageReply message) {
        return new Reply(message, null);
    }
}
