package io.pointmesh.testing;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs reactive code (Hibernate Reactive, the reactive SQL client) from a test thread, on a
 * fresh safe Vert.x duplicated context as a request would, and waits for its result.
 */
public final class OnVertx {

    private OnVertx() {}

    public static <T> T await(Supplier<Uni<T>> work) {
        return await(work, Duration.ofSeconds(30));
    }

    public static <T> T await(Supplier<Uni<T>> work, Duration timeout) {
        Vertx vertx = Arc.container().instance(Vertx.class).get();
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().subscribe().with(result::complete, result::completeExceptionally);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
