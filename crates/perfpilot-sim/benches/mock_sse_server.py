"""Peer for the simulator's throughput benchmark: the smallest OpenAI-style streaming
server Python's standard library allows (ThreadingHTTPServer, one SSE event per token,
completions chunk shape, usage chunk, [DONE]). It does no scheduling at all, so it is an
upper bound for a Python mock server's speed. Usage: python3 mock_sse_server.py PORT"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        n = int(body.get("max_tokens", 16))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        head = '{"id":"cmpl-1","object":"text_completion","created":0,"model":"mock","choices":[{"index":0,"text":" the","logprobs":null,"finish_reason":'
        for i in range(n):
            fin = '"length"' if i == n - 1 else "null"
            self.wfile.write(("data: " + head + fin + "}]}\n\n").encode())
        usage = {"prompt_tokens": 1, "completion_tokens": n, "total_tokens": n + 1}
        self.wfile.write(("data: " + json.dumps({"choices": [], "usage": usage}) + "\n\ndata: [DONE]\n\n").encode())
        self.wfile.flush()
        self.close_connection = True


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
