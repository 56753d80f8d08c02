package dev.muster.core.registration;

/** Told of every finished registration attempt ({@link RegistrationService#onFinished}); must not block. */
@FunctionalInterface
public interface RegistrationListener {
    RegistrationListener NONE = event -> { };

    void finished(RegistrationEvent event);
}
