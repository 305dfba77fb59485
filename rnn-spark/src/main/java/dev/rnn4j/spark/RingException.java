package dev.rnn4j.spark;

/**
 * A ring all-reduce that could not complete: a peer that did not connect, answer or stay connected in time. The
 * message is one line naming this member's rank, the peer (rank, host:port) and what was awaited.
 */
public final class RingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: who waited, for which peer, for what
     * @param cause   the socket error, or null
     */
    public RingException(String message, Throwable cause) {
        super(message, cause);
    }
}
