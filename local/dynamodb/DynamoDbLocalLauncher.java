import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local bound to 127.0.0.1 only, with DynamoDBLocal.jar on the class path (its manifest
 * brings DynamoDBLocal_lib/ along). dynamodb-local.ts compiles it once with javac; by hand, Java's
 * single-file source launch runs it as is:
 *
 * <pre>java -cp DynamoDBLocal.jar DynamoDbLocalLauncher.java -port N -sharedDb -disableTelemetry -inMemory</pre>
 *
 * It takes DynamoDB Local's own command line. The jar's ServerRunner builds a DynamoDBProxyServer,
 * whose Jetty server is created with {@code new Server(port)}: a connector on every interface, with
 * no option to change it. This builds what ServerRunner.createServer builds, from the same classes
 * (the request handler, the Jetty handler and DynamoDBProxyServer's context layout), behind a
 * connector whose host is 127.0.0.1, so nothing is reachable from another host. It prints one
 * "listening on" line once Jetty is up; a port already in use ends the JVM with status 1; SIGTERM
 * stops Jetty and closes the databases.
 */
public final class DynamoDbLocalLauncher {
  private static final String HOST = "127.0.0.1";

  private DynamoDbLocalLauncher() {}

  public static void main(String[] args) throws Exception {
    // The logging set-up of ServerRunner's static initializer.
    System.setProperty("org.eclipse.jetty.util.log.announce", "false");
    System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
    Logger.getLogger("com.almworks.sqlite4java").setLevel(Level.WARNING);

    CommandLineInput input = new CommandLineInput(args);
    if (!input.init()) {
      // -help or -version: init() has printed what was asked.
      return;
    }
    if (input.shouldOptimizeDBBeforeStartup()) {
      System.err.println("-optimizeDbBeforeStartup is not supported by this launcher");
      System.exit(2);
    }

    // Telemetry is never configured here (ServerRunner does it), so DynamoDB Local has nothing to
    // send it with, whatever the flags say; -disableTelemetry is still accepted and passed.

    LocalDynamoDBServerHandler handler =
        new LocalDynamoDBServerHandler(
            new LocalDynamoDBRequestHandler(
                0,
                input.isInMemory(),
                input.getDbPath(),
                input.getSharedDb(),
                input.shouldDelayTransientStatuses()),
            input.getCorsParams());

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(HOST);
    connector.setPort(input.getPort());
    server.addConnector(connector);
    // The handler layout of DynamoDBProxyServer.setUpHandler.
    ContextHandler context = new ContextHandler();
    context.setHandler(handler);
    ContextHandlerCollection contexts = new ContextHandlerCollection();
    contexts.addHandler(context);
    server.setHandler(contexts);

    try {
      server.start();
    } catch (Exception e) {
      System.err.printf("Could not start DynamoDB Local on %s:%d: %s%n", HOST, input.getPort(), e);
      handler.close();
      System.exit(1);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop();
                  } catch (Exception e) {
                    // Stopping anyway.
                  }
                  handler.close();
                }));
    System.out.printf(
        "DynamoDB Local listening on %s:%d (inMemory: %s, dbPath: %s, sharedDb: %s)%n",
        HOST, connector.getLocalPort(), input.isInMemory(), input.getDbPath(), input.getSharedDb());
    server.join();
  }
}
