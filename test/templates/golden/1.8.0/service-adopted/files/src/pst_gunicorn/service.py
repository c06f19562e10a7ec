"""The pst-gunicorn service: a long-running process with a clean main loop.

It stops cleanly on SIGTERM (systemd stop) and SIGINT (Ctrl-C) and exits 0. With --health-port it also
answers GET /healthz on a small HTTP server, for load balancers and monitoring. Standard library only,
so it builds offline; replace `do_work` with the real thing.
"""
import argparse
import logging
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import __version__

NAME = "pst-gunicorn"
DESCRIPTION = "WSGI HTTP Server for UNIX"
ENV_PREFIX = "PST_GUNICORN_"

log = logging.getLogger(NAME)


def env(name, default):
    """Settings come from flags, else from the environment (the systemd unit's EnvironmentFile)."""
    return os.environ.get(ENV_PREFIX + name, default)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=NAME, description=DESCRIPTION.replace("%", "%%"))
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    parser.add_argument(
        "--interval", type=float, default=float(env("INTERVAL", "10")),
        help="seconds between work cycles (default %(default)s; env " + ENV_PREFIX + "INTERVAL)",
    )
    parser.add_argument(
        "--health-host", default=env("HEALTH_HOST", "127.0.0.1"),
        help="address of the health check server (default %(default)s)",
    )
    parser.add_argument(
        "--health-port", type=int, default=int(env("HEALTH_PORT", "0")),
        help="port of the health check server; 0 disables it (default %(default)s)",
    )
    parser.add_argument("--log-level", default=env("LOG_LEVEL", "INFO"), help="logging level (default %(default)s)")
    return parser.parse_args(argv)


class HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/healthz":
            body = b"ok\n"
            self.send_response(200)
        else:
            body = b"not found\n"
            self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep health probes out of the logs
        pass


def start_health_server(host, port):
    server = ThreadingHTTPServer((host, port), HealthHandler)
    thread = threading.Thread(target=server.serve_forever, name="health", daemon=True)
    thread.start()
    return server


def do_work():
    """One cycle of the service's work. Replace with the real thing."""
    log.debug("working")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    stop = threading.Event()

    def request_stop(signum, _frame):
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    server = None
    if args.health_port:
        server = start_health_server(args.health_host, args.health_port)
        log.info("health check on http://%s:%d/healthz", args.health_host, server.server_address[1])
    log.info("%s %s started", NAME, __version__)
    try:
        while not stop.is_set():
            do_work()
            stop.wait(args.interval)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
