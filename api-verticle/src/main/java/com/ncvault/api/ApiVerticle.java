package com.ncvault.api;

import com.ncvault.contract.MachineBinding;

import com.ncvault.auth.SessionVerifier;
import com.ncvault.auth.Tokens;
import com.ncvault.auth.UserCache;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageLimits;
import com.ncvault.contract.StorageBinding;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.SocketHandoff;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP server: REST API, login, static UI, /ws upgrade, health and metrics. Deployed with
 * several instances on the same port; the user cache is shared between them, the login throttle
 * with the whole cluster.
 */
public class ApiVerticle extends VerticleBase {

  static final String OPENAPI_RESOURCE = "api/openapi.yaml";
  static final String VERSION_RESOURCE = "api/version.properties";
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final int MAX_BODY_CHUNK_BYTES = 64 * 1024;
  private static final String SHARED_MAP = "pdm.api";

  private Router router;

  @Override
  public Future<?> start() {
    ApiConfig config = ApiConfig.from(config());
    registerSocketCodec();
    StorageApi storage = StorageBinding.proxy(vertx);
    // Per node: a node started again in the same Vert.x (as tests do) must not see the accounts,
    // upload slots or drawings of the node before it.
    LocalMap<String, Object> shared = vertx.sharedData().getLocalMap(SHARED_MAP + "." + config.nodeName());
    shared.putIfAbsent("userCache", new UserCache(Clock.systemUTC(), UserCache.TTL));
    UserCache users = (UserCache) shared.get("userCache");
    shared.putIfAbsent("uploadSlots", new UploadSlots(config.maxUploadsPerUser()));
    UploadSlots uploadSlots = (UploadSlots) shared.get("uploadSlots");
    shared.putIfAbsent("drawings", new Drawings(Drawings.MAX_CHARS));
    Drawings drawings = (Drawings) shared.get("drawings");
    shared.putIfAbsent("loginGate",
      new LoginGate(vertx, StorageLimits.passwordCheckCapacity(Runtime.getRuntime().availableProcessors())));
    LoginGate loginGate = (LoginGate) shared.get("loginGate");
    Tokens tokens = new Tokens(vertx, config.jwtSecret(), config.tokenTtlSeconds());
    Authenticator authenticator = new Authenticator(new SessionVerifier(tokens, storage, users));

    Future<Buffer> openApi = vertx.fileSystem().readFile(OPENAPI_RESOURCE);
    Future<String> version = vertx.fileSystem().readFile(VERSION_RESOURCE).map(ApiVerticle::version);
    Future<LoginThrottle> throttle = LoginThrottle.create(vertx, config.loginMaxFailuresPerMinute(), Clock.systemUTC());
    PeerDirectory peers = new PeerDirectory(config.peerUrls());
    peers.follow(vertx, storage);
    SecurityHeaders headers = new SecurityHeaders(peers);
    OriginPolicy origins = new OriginPolicy(config.liveOrigins(), peers::origins);
    DeletedContent deletedContent = new DeletedContent(storage);
    Uploads uploads = new Uploads(vertx, config.incomingDir(), config.maxUploadBytes(), uploadSlots);
    WebSocketGate webSockets = new WebSocketGate(vertx, origins, authenticator, headers);
    return Future.all(openApi, version, throttle).compose(loaded -> {
      PasswordChecks passwords = new PasswordChecks(loginGate, throttle.result());
      LfsAuth lfsAuth = new LfsAuth(authenticator, storage, passwords, tokens, Clock.systemUTC());
      router = ApiRouter.create(vertx, ApiRoutes.table(
        new AuthRoutes(storage, tokens, passwords, origins, config.tls(), config.tokenTtlSeconds()),
        new FileRoutes(storage, uploads,
          new ContentResponder(),
          new ListCompression(vertx), deletedContent,
          new CopiesGate(storage, config.replicationFactor(), config.replicationWaitMs()), passwords),
        new ZipDownload(vertx, storage, deletedContent, config.zipMaxFiles(), config.zipMaxBytes()),
        new ProgramRoutes(storage, deletedContent, drawings, vertx.createSharedWorkerExecutor("pdm-drawing", Drawings.THREADS)),
        new DashboardRoutes(storage, config.staleLockSeconds()),
        new InboxRoutes(storage),
        new AdminRoutes(vertx, storage, authenticator),
        new MachineRoutes(vertx, MachineBinding.proxy(vertx)),
        new SystemRoutes(vertx, storage, config, peers, version.result(), openApi.result(), loginGate),
        webSockets,
        new InternalRoutes(storage, ClusterSecret.of(config.clusterSecret())),
        new LfsRoutes(storage, uploads, config.maxUploadBytes())), authenticator, lfsAuth, headers);
      return vertx.createHttpServer(serverOptions(config))
        // Upgrades of /ws skip the router: a live socket keeps nothing of it.
        .requestHandler(request -> {
          if (WebSocketGate.isUpgrade(request)) {
            webSockets.upgrade(request);
          } else {
            router.handle(request);
          }
        })
        .invalidRequestHandler(request -> refuseInvalidRequest(request, headers))
        .listen();
    });
  }

  /** The router this instance serves (for tests that compare it with the API description). */
  Router router() {
    return router;
  }

  static HttpServerOptions serverOptions(ApiConfig config) {
    HttpServerOptions options = new HttpServerOptions()
      .setHost(config.httpHost())
      .setPort(config.httpPort())
      .setMaxHeaderSize(MAX_HEADER_BYTES)
      // A request body (an upload) arrives in pieces as large as a socket read, not 8 KiB ones: fewer handler calls.
      .setMaxChunkSize(MAX_BODY_CHUNK_BYTES)
      // A connection with no traffic either way is dropped (a half-sent request too); sync pings open sockets.
      .setIdleTimeout(config.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setCompressionSupported(false)
      .setMaxWebSocketFrameSize(config.wsMaxFrameBytes())
      .setMaxWebSocketMessageSize(config.wsMaxFrameBytes())
      .setPerFrameWebSocketCompressionSupported(false)
      .setPerMessageWebSocketCompressionSupported(false)
      .setRegisterWebSocketWriteHandlers(false)
      // Every write to a connection is made on its event loop (the sync-verticle writes to a socket from the
      // api's context it was handed with), so connections need no outbound queue: about 8 KiB less each.
      .setStrictThreadMode(true);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(config.tlsCertPath())
        .setKeyPath(config.tlsKeyPath()));
    }
    return options;
  }

  /** Requests Netty could not parse (headers over 16 KiB, an overlong line): JSON error, then close. */
  private static void refuseInvalidRequest(HttpServerRequest request, SecurityHeaders headers) {
    Throwable cause = request.decoderResult().cause();
    PdmError error = cause instanceof TooLongHttpHeaderException
      ? new PdmError(ErrorCode.HEADERS_TOO_LARGE, "Request headers too large")
      : cause instanceof TooLongHttpLineException
      ? new PdmError(ErrorCode.URI_TOO_LONG, "Request line too long")
      : new PdmError(ErrorCode.BAD_REQUEST, "Malformed request");
    HttpServerResponse response = request.response();
    headers.apply(response.headers(), true);
    response.setStatusCode(error.code().status())
      .putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON)
      .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
      .end(error.toHttpBody().toBuffer())
      .onComplete(done -> request.connection().close());
  }

  /** The launcher registers the codec once; when it has not (tests), the first instance does. */
  private void registerSocketCodec() {
    try {
      vertx.eventBus().registerCodec(new SocketHandoff.Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by the launcher or by another instance
    }
  }

  private static String version(Buffer properties) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(properties.toString()));
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }
}
