package dev.rnn4j.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sum of one float array over the members of a ring, in place, over TCP: member {@code r} sends to member
 * {@code r + 1} and receives from member {@code r - 1} (modulo the size). The array is cut into as many segments as
 * members (sizes differ by at most one; lengths that do not divide, and arrays shorter than the ring, are fine).
 * {@code size - 1} steps of reduce-scatter leave each member with one segment summed over all members, and
 * {@code size - 1} steps of all-gather hand every summed segment round; each member sends and receives
 * {@code 2 (size - 1) / size} times the array, whatever the size of the ring.
 *
 * <pre>{@code
 * ServerSocket server = RingAllReduce.listen("127.0.0.1");        // bind first, then tell the others the port
 * List<Peer> peers = ...;                                         // every member's host and port, by rank
 * try (RingAllReduce ring = RingAllReduce.connect(rank, peers, server, Duration.ofMinutes(5))) {
 *     ring.allReduce(gradients);                                  // every member calls it, in the same order
 * }
 * }</pre>
 *
 * <p>Every wait has the timeout given to {@link #connect}: for the neighbours to connect, for a segment to arrive, for
 * a segment to be taken. A timeout or a lost neighbour throws a {@link RingException} naming the neighbour (rank,
 * host:port) and what was awaited; the ring is unusable afterwards. Sums are in each member's arrival order, so every
 * member ends with the same bits: each summed segment is computed once, by one member, and copied to the others.
 *
 * <p>One thread calls {@link #allReduce} at a time; each ring holds one helper thread, which writes the outgoing
 * segment while the caller reads the incoming one (blocking writers all round the ring would wait for each other).
 */
public final class RingAllReduce implements AutoCloseable {
    /** Sent first on each connection, so that a stray connection is told apart from a member. */
    private static final int MAGIC = 0x524e4e34;
    /** Per message: its sequence number and its length in floats. */
    private static final int HEADER_BYTES = 8;

    /** A member's listening address. */
    public record Peer(String host, int port) {
        /** Checks the port. */
        public Peer {
            Objects.requireNonNull(host, "host is null");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("peer " + host + ": port expected in 1..65535, found " + port);
            }
        }

        /**
         * @param address {@code host:port}
         * @return the peer
         * @throws IllegalArgumentException when the text is not {@code host:port}
         */
        public static Peer parse(String address) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new IllegalArgumentException("peer address: expected host:port, found '" + address + "'");
            }
            try {
                return new Peer(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("peer address: expected host:port, found '" + address + "'", e);
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final int rank;
    private final int size;
    private final Peer next;
    private final Peer previous;
    private final long timeoutMillis;
    private final Socket toNext;
    private final Socket fromPrevious;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService writer;
    private byte[] sendBuffer = new byte[HEADER_BYTES];
    private byte[] receiveBuffer = new byte[HEADER_BYTES];
    private int sequence;
    private boolean broken;

    private RingAllReduce(int rank, int size, Peer next, Peer previous, long timeoutMillis, Socket toNext,
            Socket fromPrevious) throws IOException {
        this.rank = rank;
        this.size = size;
        this.next = next;
        this.previous = previous;
        this.timeoutMillis = timeoutMillis;
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        this.out = toNext == null ? null : new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream()));
        this.in = fromPrevious == null ? null
                : new DataInputStream(new BufferedInputStream(fromPrevious.getInputStream()));
        this.writer = toNext == null ? null : Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "ring-all-reduce-writer-" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens a member's listening socket on a free port; bind it before telling the other members the port, so that
     * their connections wait in its backlog rather than fail.
     *
     * @param host the address to listen on (this member's address as the others reach it)
     * @return the socket
     * @throws IOException when the address cannot be bound
     */
    public static ServerSocket listen(String host) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 64);
        return server;
    }

    /**
     * Joins the ring: connects to the next member, then accepts the previous one. A ring of one member connects
     * nothing and its {@link #allReduce} leaves the array as it is.
     *
     * @param rank    this member's rank, in {@code [0, peers.size())}
     * @param peers   every member's listening address, by rank (this member's is its server's)
     * @param server  this member's listening socket, from {@link #listen}; the ring closes it
     * @param timeout the longest any one wait may take
     * @return the connected ring
     * @throws RingException when a neighbour does not connect or answer in time, naming it
     */
    public static RingAllReduce connect(int rank, List<Peer> peers, ServerSocket server, Duration timeout) {
        Objects.requireNonNull(peers, "peers is null");
        Objects.requireNonNull(server, "server is null");
        Objects.requireNonNull(timeout, "timeout is null");
        int size = peers.size();
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("ring: rank expected in [0, " + size + "), found " + rank);
        }
        long timeoutMillis = Math.max(1, timeout.toMillis());
        Peer next = peers.get((rank + 1) % size);
        Peer previous = peers.get((rank + size - 1) % size);
        try {
            if (size == 1) {
                return new RingAllReduce(rank, size, next, previous, timeoutMillis, null, null);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            Socket toNext = connectTo(rank, size, (rank + 1) % size, next, deadline, timeoutMillis);
            Socket fromPrevious = null;
            try {
                fromPrevious = acceptFrom(rank, size, (rank + size - 1) % size, previous, server, deadline,
                        timeoutMillis);
                return new RingAllReduce(rank, size, next, previous, timeoutMillis, toNext, fromPrevious);
            } catch (RuntimeException | IOException e) {
                closeQuietly(toNext);
                closeQuietly(fromPrevious);
                throw e;
            }
        } catch (IOException e) {
            throw new RingException("ring all-reduce, rank " + rank + " of " + size + ": could not set up the"
                    + " connections to rank " + ((rank + 1) % size) + " (" + next + ") and rank "
                    + ((rank + size - 1) % size) + " (" + previous + "): " + e, e);
        } finally {
            closeQuietly(server);
        }
    }

    private static Socket connectTo(int rank, int size, int peerRank, Peer peer, long deadline, long timeoutMillis)
            throws IOException {
        IOException last = null;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new RingException("ring all-reduce, rank " + rank + " of " + size + ": waited "
                        + timeoutMillis + " ms to connect to rank " + peerRank + " (" + peer + ")"
                        + (last == null ? "" : "; last error: " + last), last);
            }
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(peer.host(), peer.port()),
                        (int) Math.min(left, Integer.MAX_VALUE));
                DataOutputStream hello = new DataOutputStream(socket.getOutputStream());
                hello.writeInt(MAGIC);
                hello.writeInt(rank);
                hello.writeInt(size);
                hello.flush();
                return socket;
            } catch (ConnectException | SocketTimeoutException e) {
                // The peer may not listen yet (a member still starting): try again until the deadline.
                closeQuietly(socket);
                last = e;
                sleepBriefly();
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
        }
    }

    private static Socket acceptFrom(int rank, int size, int peerRank, Peer peer, ServerSocket server,
            long deadline, long timeoutMillis) throws IOException {
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new RingException("ring all-reduce, rank " + rank + " of " + size + ": waited "
                        + timeoutMillis + " ms for rank " + peerRank + " (" + peer + ") to connect; it never did",
                        null);
            }
            server.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.min(Math.max(1, left), Integer.MAX_VALUE));
                DataInputStream hello = new DataInputStream(socket.getInputStream());
                int magic = hello.readInt();
                int from = hello.readInt();
                int ringSize = hello.readInt();
                if (magic == MAGIC && from == peerRank && ringSize == size) {
                    return socket;
                }
                // Not the member expected (a stray connection or another ring's): drop it and keep waiting.
                closeQuietly(socket);
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
    }

    /** @return this member's rank */
    public int rank() {
        return rank;
    }

    /** @return the number of members */
    public int size() {
        return size;
    }

    /**
     * Replaces {@code values} by its element-wise sum over all members. Every member calls it with an array of the
     * same length, as many times and in the same order.
     *
     * @param values this member's values; on return, the sum (identical bits on every member)
     * @throws RingException when a neighbour is lost or a wait times out, naming the neighbour and the wait
     */
    public void allReduce(float[] values) {
        Objects.requireNonNull(values, "values is null");
        if (size == 1) {
            return;
        }
        if (broken) {
            throw new IllegalStateException("ring all-reduce, rank " + rank + ": the ring failed before; open a new"
                    + " one");
        }
        int length = values.length;
        int most = length / size + 1;
        if (sendBuffer.length < HEADER_BYTES + 4 * most) {
            sendBuffer = new byte[HEADER_BYTES + 4 * most];
            receiveBuffer = new byte[HEADER_BYTES + 4 * most];
        }
        for (int step = 0; step < size - 1; step++) {
            exchange(values, segment(rank - step), segment(rank - step - 1), true, "reduce-scatter", step);
        }
        for (int step = 0; step < size - 1; step++) {
            exchange(values, segment(rank + 1 - step), segment(rank - step), false, "all-gather", step);
        }
    }

    private int segment(int index) {
        return Math.floorMod(index, size);
    }

    private int start(int segment, int length) {
        return (int) ((long) segment * length / size);
    }

    /** Sends one segment to the next member while receiving one from the previous, then adds or copies it in. */
    private void exchange(float[] values, int sendSegment, int receiveSegment, boolean add, String phase, int step) {
        int length = values.length;
        int sendFrom = start(sendSegment, length);
        int sendCount = start(sendSegment + 1, length) - sendFrom;
        int receiveFrom = start(receiveSegment, length);
        int receiveCount = start(receiveSegment + 1, length) - receiveFrom;
        int message = sequence++;
        String what = "segment " + receiveSegment + " of message " + message + " (" + phase + " step " + (step + 1)
                + " of " + (size - 1) + ")";
        ByteBuffer outgoing = ByteBuffer.wrap(sendBuffer).order(ByteOrder.LITTLE_ENDIAN);
        outgoing.putInt(message).putInt(sendCount);
        outgoing.asFloatBuffer().put(values, sendFrom, sendCount);
        int sendBytes = HEADER_BYTES + 4 * sendCount;
        byte[] toSend = sendBuffer;
        Future<?> sent = writer.submit(() -> {
            OutputStream stream = out;
            stream.write(toSend, 0, sendBytes);
            stream.flush();
            return null;
        });
        try {
            readFully(receiveBuffer, HEADER_BYTES, what);
            ByteBuffer incoming = ByteBuffer.wrap(receiveBuffer).order(ByteOrder.LITTLE_ENDIAN);
            int number = incoming.getInt();
            int count = incoming.getInt();
            if (number != message || count != receiveCount) {
                throw fail("rank " + previousRank() + " (" + previous + ") sent message " + number + " of " + count
                        + " floats where " + what + " of " + receiveCount + " floats was due; the members called"
                        + " allReduce with different lengths or counts", null);
            }
            readFully(receiveBuffer, 4 * count, what);
            java.nio.FloatBuffer floats = ByteBuffer.wrap(receiveBuffer, 0, 4 * count).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            if (add) {
                for (int i = 0; i < count; i++) {
                    values[receiveFrom + i] += floats.get(i);
                }
            } else {
                floats.get(values, receiveFrom, count);
            }
            sent.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw fail("waited " + timeoutMillis + " ms for rank " + nextRank() + " (" + next + ") to take message "
                    + message + " (" + phase + " step " + (step + 1) + " of " + (size - 1) + ")", e);
        } catch (ExecutionException e) {
            throw fail("lost rank " + nextRank() + " (" + next + ") while sending it message " + message + " ("
                    + phase + " step " + (step + 1) + " of " + (size - 1) + "): " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted while exchanging message " + message + " with rank " + nextRank() + " (" + next
                    + ") and rank " + previousRank() + " (" + previous + ")", e);
        } finally {
            sent.cancel(true);
        }
    }

    /** Reads {@code count} bytes to the start of {@code buffer} (the payload overwrites the header, read before). */
    private void readFully(byte[] buffer, int count, String what) {
        try {
            fromPrevious.setSoTimeout((int) Math.min(timeoutMillis, Integer.MAX_VALUE));
            in.readFully(buffer, 0, count);
        } catch (SocketTimeoutException e) {
            throw fail("waited " + timeoutMillis + " ms for rank " + previousRank() + " (" + previous + ") to send "
                    + what + "; nothing came", e);
        } catch (EOFException e) {
            throw fail("rank " + previousRank() + " (" + previous + ") closed the connection before sending " + what,
                    e);
        } catch (IOException e) {
            throw fail("lost rank " + previousRank() + " (" + previous + ") while waiting for " + what + ": " + e, e);
        }
    }

    private int nextRank() {
        return (rank + 1) % size;
    }

    private int previousRank() {
        return (rank + size - 1) % size;
    }

    private RingException fail(String message, Throwable cause) {
        broken = true;
        close();
        return new RingException("ring all-reduce, rank " + rank + " of " + size + ": " + message, cause);
    }

    /** Closes both connections and the helper thread; a neighbour still waiting sees the connection close. */
    @Override
    public void close() {
        closeQuietly(toNext);
        closeQuietly(fromPrevious);
        if (writer != null) {
            writer.shutdownNow();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing after a failure: the failure already reported is the one that matters.
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingException("ring all-reduce: interrupted while connecting", e);
        }
    }
}
