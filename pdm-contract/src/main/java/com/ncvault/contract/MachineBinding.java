package com.ncvault.contract;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * The one event-bus binding of {@link MachineStore}, on {@link Addresses#MACHINE_STORE} (local to
 * the node) with the method's name in {@link Addresses#HEADER_ACTION}. Requests and replies are the
 * contract's records, passed by reference like {@link StorageBinding}'s; failures travel the same way.
 */
public final class MachineBinding {
  static final long TIMEOUT_MS = 30_000;
  private static final Map<String, Method> METHODS = new HashMap<>();

  static {
    for (Method method : MachineStore.class.getMethods()) {
      if (method.getParameterCount() <= 1 && method.getReturnType() == Future.class) {
        METHODS.put(method.getName(), method);
      }
    }
  }

  private MachineBinding() {
  }

  public static MachineStore proxy(Vertx vertx) {
    StorageBinding.registerCodec(vertx.eventBus());
    return (MachineStore) java.lang.reflect.Proxy.newProxyInstance(MachineStore.class.getClassLoader(),
      new Class<?>[] {MachineStore.class}, (self, method, args) -> {
        if (method.getDeclaringClass() == Object.class) {
          return switch (method.getName()) {
            case "toString" -> "MachineStore proxy";
            case "hashCode" -> System.identityHashCode(self);
            default -> self == args[0];
          };
        }
        DeliveryOptions options = new DeliveryOptions().setCodecName(StorageBinding.LOCAL_CODEC)
          .addHeader(Addresses.HEADER_ACTION, method.getName()).setSendTimeout(TIMEOUT_MS);
        return vertx.eventBus().request(Addresses.MACHINE_STORE, args == null ? null : args[0], options)
          .transform(done -> done.succeeded() ? Future.succeededFuture(done.result().body())
            : Future.failedFuture(PdmError.from(done.cause())));
      });
  }

  public static MessageConsumer<Object> bind(Vertx vertx, MachineStore store) {
    StorageBinding.registerCodec(vertx.eventBus());
    return vertx.eventBus().localConsumer(Addresses.MACHINE_STORE, message -> dispatch(store, message));
  }

  private static void dispatch(MachineStore store, Message<Object> message) {
    String action = message.headers().get(Addresses.HEADER_ACTION);
    Method method = action == null ? null : METHODS.get(action);
    Future<?> outcome;
    if (method == null) {
      outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Unknown machine action: " + action));
    } else {
      try {
        Object[] args = method.getParameterCount() == 0 ? new Object[0] : new Object[] {message.body()};
        outcome = (Future<?>) method.invoke(store, args);
      } catch (IllegalArgumentException wrongBody) {
        outcome = Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Wrong request for " + action));
      } catch (InvocationTargetException refused) {
        outcome = Future.failedFuture(refused.getCause());
      } catch (IllegalAccessException e) {
        outcome = Future.failedFuture(new PdmError(ErrorCode.INTERNAL, "Internal error"));
      }
    }
    DeliveryOptions reply = new DeliveryOptions().setCodecName(StorageBinding.LOCAL_CODEC);
    outcome.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result(), reply);
      } else {
        PdmError error = done.cause() instanceof PdmError e ? e : new PdmError(ErrorCode.INTERNAL, "Internal error");
        message.fail(error.code().status(), error.toJson().encode());
      }
    });
  }
}
