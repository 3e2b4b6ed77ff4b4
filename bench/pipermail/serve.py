"""Serves the current directory on 127.0.0.1:PORT over HTTP/1.1 with keep-alive, one thread per
connection and TCP_NODELAY: the archive server both pipermail benchmarks fetch from.
Usage: python3 serve.py PORT"""
import http.server
import socket
import socketserver
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


Server(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
