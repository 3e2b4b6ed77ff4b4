package dev.liaison.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the daemon cleanly and let it exit 0: the handler asks the daemon to
 * stop instead of letting the JVM run its shutdown hooks (which would end with status 143).
 */
public final class SignalStop {

    private static final Logger LOG = LoggerFactory.getLogger(SignalStop.class);

    private SignalStop() {}

    public static void install(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    LOG.info("SIG{} received: stopping", name);
                    stop.run();
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("Cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }
}
