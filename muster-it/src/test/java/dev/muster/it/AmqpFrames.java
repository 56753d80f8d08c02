package dev.muster.it;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;

/**
 * AMQP 1.0 frames byte by byte, built with proton-j's type codec but framed here, so that any frame can be sent
 * mutated or out of order; and the frames in a stream of received bytes (protocol headers skipped).
 */
final class AmqpFrames {
    static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    static final int AMQP = 0;
    static final int SASL = 1;

    /** A received frame: its type, channel, decoded performative (null for an empty frame) and payload. */
    record Frame(int type, int channel, Object performative, byte[] payload) {}

    private AmqpFrames() {}

    static byte[] saslInit(String mechanism, byte[] initialResponse) {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf(mechanism));
        init.setInitialResponse(new Binary(initialResponse));
        return frame(SASL, 0, init, new byte[0]);
    }

    static byte[] open(String containerId) {
        Open open = new Open();
        open.setContainerId(containerId);
        open.setHostname("localhost");
        open.setMaxFrameSize(UnsignedInteger.valueOf(65536));
        return frame(AMQP, 0, open, new byte[0]);
    }

    static byte[] begin() {
        return frame(AMQP, 0, beginPerformative(), new byte[0]);
    }

    static Begin beginPerformative() {
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        return begin;
    }

    /** An attach of this side's sender (requests to {@code address}) or receiver (answers from it). */
    static byte[] attach(String name, int handle, boolean sender, String address) {
        Attach attach = new Attach();
        attach.setName(name);
        attach.setHandle(UnsignedInteger.valueOf(handle));
        attach.setRole(sender ? Role.SENDER : Role.RECEIVER);
        Source source = new Source();
        Target target = new Target();
        if (sender) {
            target.setAddress(address);
            attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        } else {
            source.setAddress(address);
        }
        attach.setSource(source);
        attach.setTarget(target);
        return frame(AMQP, 0, attach, new byte[0]);
    }

    static byte[] flow(int handle, int credit) {
        Flow flow = new Flow();
        flow.setHandle(UnsignedInteger.valueOf(handle));
        flow.setLinkCredit(UnsignedInteger.valueOf(credit));
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setNextIncomingId(UnsignedInteger.ZERO);
        flow.setIncomingWindow(UnsignedInteger.valueOf(100));
        flow.setNextOutgoingId(UnsignedInteger.ZERO);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(100));
        return frame(AMQP, 0, flow, new byte[0]);
    }

    /** The first delivery on a link: one transfer frame carrying a whole encoded message. */
    static byte[] transfer(int handle, byte[] message) {
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.valueOf(handle));
        transfer.setDeliveryId(UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[] {1}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        transfer.setSettled(false);
        return frame(AMQP, 0, transfer, message);
    }

    /** size, data offset 2 (no extended header), type, channel, then the encoded performative and the payload. */
    static byte[] frame(int type, int channel, Object performative, byte[] payload) {
        ByteBuffer body = ByteBuffer.allocate(128 * 1024 + payload.length);
        EncoderImpl encoder = new EncoderImpl(new DecoderImpl());
        AMQPDefinedTypes.registerAllTypes(encoder.getDecoder(), encoder);
        encoder.setByteBuffer(body);
        encoder.writeObject(performative);
        body.put(payload);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) type).putShort((short) channel).put(body);
        return frame.array();
    }

    /** The complete frames in {@code stream}; protocol headers are skipped, an incomplete last frame left out. */
    static List<Frame> parse(byte[] stream) {
        List<Frame> frames = new ArrayList<>();
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        ByteBuffer in = ByteBuffer.wrap(stream);
        while (in.remaining() >= 8) {
            if (in.get(in.position()) == 'A') {
                in.position(in.position() + 8);
                continue;
            }
            int start = in.position();
            int size = in.getInt(start);
            int offset = (in.get(start + 4) & 0xff) * 4;
            if (size < 8 || offset < 8 || offset > size || size > in.remaining()) {
                break;
            }
            ByteBuffer body = ByteBuffer.wrap(stream, start + offset, size - offset).slice();
            Object performative = null;
            if (body.hasRemaining()) {
                decoder.setByteBuffer(body);
                try {
                    performative = decoder.readObject();
                } catch (RuntimeException undecodable) {
                    performative = undecodable;  // shown as such; the server sends no such frame
                    body.position(body.limit());
                }
            }
            byte[] payload = new byte[body.remaining()];
            body.get(payload);
            frames.add(new Frame(in.get(start + 5), in.getShort(start + 6), performative, payload));
            in.position(start + size);
        }
        return frames;
    }
}
