package dev.muster.it;

import static dev.muster.it.FuzzRun.ANSWER_MILLIS;
import static dev.muster.it.FuzzRun.WAIT_MILLIS;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.security.SaslCode;
import org.apache.qpid.proton.amqp.security.SaslOutcome;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/**
 * Mutated AMQP 1.0 on DPS's 5671: protocol headers and SASL frames, open/begin/attach/flow frames after a valid SASL
 * PLAIN, and request messages after both links are open. The server never answers with a 5xx status-code, never
 * closes anything with amqp:internal-error, never leaves an unhandled exception in its log and never leaves a
 * connection open; a well-formed request is always answered or closed.
 */
class AmqpFuzzIT {
    private static final long SEED = 5_671L;
    private static final int INPUTS = 300;

    @Test
    void mutatedFramesAndMessagesGetNoServerErrorAndLeaveNoConnectionOpen() throws Exception {
        FuzzDevice d = FuzzDevice.registered("fuzz-amqp-");
        AmqpInputs.Device device = new AmqpInputs.Device(d.registration(), d.token(), d.registration(),
                d.operationId(), ("{\"registrationId\":\"" + d.registrationId() + "\",\"payload\":{\"a\":[1,{\"b\":null}]}}")
                .getBytes(StandardCharsets.UTF_8));
        FuzzRun run = new FuzzRun("AMQP", SEED);
        AmqpInputs inputs = new AmqpInputs(run.fuzz(), device);
        for (int i = 0; i < INPUTS; i++) {
            AmqpInputs.Case c = inputs.next();
            run.submit(i, c.input(), () -> exchange(device, c));
        }
        run.finish();
    }

    private static String exchange(AmqpInputs.Device device, AmqpInputs.Case c) throws Exception {
        try (Wire wire = Wire.open("localhost", MusterUnderTest.info().ports().amqp())) {
            byte[] got = new byte[0];
            if (c.depth() >= AmqpInputs.SASL_DONE) {
                wire.send(AmqpInputs.sasl(device));
                got = wire.read(ANSWER_MILLIS, a -> any(a, SaslOutcome.class));
                if (!AmqpFrames.parse(got).stream().anyMatch(f -> f.performative() instanceof SaslOutcome o
                        && o.getCode() == SaslCode.OK)) {
                    return "a valid SASL PLAIN was not accepted: " + AmqpFrames.parse(got);
                }
            }
            if (c.depth() >= AmqpInputs.LINKS_OPEN) {
                wire.send(AmqpInputs.concat(AmqpInputs.links(device)));
                got = wire.read(ANSWER_MILLIS, a -> any(a, Flow.class));
                if (!any(got, Flow.class)) {
                    return "the DPS links did not open: " + AmqpFrames.parse(got);
                }
            }
            int before = AmqpFrames.parse(got).size();
            wire.send(c.input());
            got = wire.read(c.mustAnswer() ? ANSWER_MILLIS : WAIT_MILLIS,
                    a -> c.mustAnswer() && any(a, Transfer.class));
            List<AmqpFrames.Frame> frames = AmqpFrames.parse(got);
            for (AmqpFrames.Frame f : frames.subList(Math.min(before, frames.size()), frames.size())) {
                String fault = fault(f);
                if (fault != null) {
                    return fault;
                }
            }
            if (c.mustAnswer() && !any(got, Transfer.class) && !wire.closedByServer()) {
                return "a well-formed request was neither answered nor closed within " + ANSWER_MILLIS + " ms";
            }
            return null;
        }
    }

    /** What is wrong with a frame the server sent: an internal error, or an answer with a 5xx status-code. */
    private static String fault(AmqpFrames.Frame f) {
        ErrorCondition error = f.performative() instanceof Close c ? c.getError()
                : f.performative() instanceof End e ? e.getError()
                : f.performative() instanceof Detach d ? d.getError() : null;
        if (error != null && AmqpError.INTERNAL_ERROR.equals(error.getCondition())) {
            return "the server sent " + f.performative();
        }
        if (f.performative() instanceof RuntimeException undecodable) {
            return "the server sent an undecodable frame: " + undecodable;
        }
        if (f.performative() instanceof Transfer && f.payload().length > 0) {
            Message m = Message.Factory.create();
            m.decode(f.payload(), 0, f.payload().length);
            ApplicationProperties p = m.getApplicationProperties();
            Object status = p == null ? null : p.getValue().get("status-code");
            if (!(status instanceof Integer s) || s >= 500) {
                return "answered status-code " + status + ": " + m.getBody();
            }
        }
        return null;
    }

    private static boolean any(byte[] stream, Class<?> performative) {
        return AmqpFrames.parse(stream).stream().anyMatch(f -> performative.isInstance(f.performative()));
    }

}
