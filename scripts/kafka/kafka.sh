#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) from Maven Central jars.
#
#   bash scripts/kafka/kafka.sh start|stop|kill|status|logs [-f]
#
# `kill` ends the broker with SIGKILL, as a crash would (the fault tests use it); a later
# `start` recovers from the same data.
#
# Environment:
#   KAFKA_PORT             client port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_CACHE_DIR        jars, and by default data, config, log, pid (default <repo>/.cache/kafka)
#   KAFKA_STATE_DIR        data, config, log, pid of this broker (default KAFKA_CACHE_DIR); a second
#                          broker on other ports shares the jars and keeps its own state here
#   KAFKA_HEAP_OPTS        JVM heap (default "-Xmx512m -Xms256m")
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to serve (default 90)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-$REPO_ROOT/.cache/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

POM="$SCRIPT_DIR/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)"
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka: cannot read <kafka.version> from $POM" >&2; exit 1; }

mkdir -p "$KAFKA_CACHE_DIR"
KAFKA_CACHE_DIR="$(cd "$KAFKA_CACHE_DIR" && pwd)"
KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$KAFKA_CACHE_DIR}"
mkdir -p "$KAFKA_STATE_DIR"
KAFKA_STATE_DIR="$(cd "$KAFKA_STATE_DIR" && pwd)"
LIBS_DIR="$KAFKA_CACHE_DIR/$KAFKA_VERSION/libs"
DATA_DIR="$KAFKA_STATE_DIR/data"
CONFIG="$KAFKA_STATE_DIR/server.properties"
LOG_FILE="$KAFKA_STATE_DIR/broker.log"   # log4j output (rolled at 20 MB)
OUT_FILE="$KAFKA_STATE_DIR/broker.out"   # JVM stdout/stderr (crashes, fatal startup errors)
PID_FILE="$KAFKA_STATE_DIR/broker.pid"
WARM_FILE="$KAFKA_STATE_DIR/broker.warm"  # pid of the broker the warm-up last succeeded on
LOCK_FILE="$KAFKA_STATE_DIR/.lock"

log() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

# --- process helpers ---------------------------------------------------------------------------

# Pid from the pid file if that process is alive AND is a kafka.Kafka JVM (guards against pid reuse).
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A real metadata round trip, not just an open port.
broker_serves() {
  port_open "$KAFKA_PORT" || return 1
  if [[ -d "$REPO_ROOT/node_modules/kafkajs" ]] && command -v node >/dev/null 2>&1; then
    (cd "$REPO_ROOT" && KAFKA_PORT="$KAFKA_PORT" timeout 15 node -e '
      const { Kafka, logLevel } = require("kafkajs");
      const admin = new Kafka({
        clientId: "kafka-sh-probe",
        brokers: ["127.0.0.1:" + process.env.KAFKA_PORT],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        requestTimeout: 5000,
        retry: { retries: 0 },
      }).admin();
      admin.connect()
        .then(() => admin.listTopics())
        .then(() => admin.disconnect())
        .then(() => process.exit(0), () => process.exit(1));
    ') >/dev/null 2>&1
  else
    # Fallback without node/kafkajs: ask the broker for its API versions with Kafka's own classes.
    timeout 30 java -Xmx128m -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
      -Dkafka.broker.log="$KAFKA_STATE_DIR/probe.log" \
      kafka.admin.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
  fi
}

# After a (re)start the first InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS (the broker fetches
# a producer-id block from the controller lazily) and the first FindCoordinator answers
# COORDINATOR_NOT_AVAILABLE (__consumer_offsets is created/loaded lazily). kafkajs retries both but
# logs them as ERROR, and the first consumer-group join is slow. Trigger both once here instead.
warm_up() {
  local pid="$1"
  [[ "$(cat "$WARM_FILE" 2>/dev/null || true)" == "$pid" ]] && return 0
  [[ -d "$REPO_ROOT/node_modules/kafkajs" ]] && command -v node >/dev/null 2>&1 || return 0
  if (cd "$REPO_ROOT" && KAFKA_PORT="$KAFKA_PORT" KAFKAJS_NO_PARTITIONER_WARNING=1 timeout 60 node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const kafka = new Kafka({
      clientId: "kafka-sh-warmup",
      brokers: ["127.0.0.1:" + process.env.KAFKA_PORT],
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, retries: 20 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const admin = kafka.admin();
    (async () => {
      await producer.connect();               // InitProducerId
      await producer.disconnect();
      await admin.connect();
      await admin.describeGroups(["kafka-sh-warmup"]); // FindCoordinator -> __consumer_offsets
      await admin.disconnect();
    })().then(() => process.exit(0), () => process.exit(1));
  ') >/dev/null 2>&1; then
    echo "$pid" >"$WARM_FILE"
  else
    log "warning: warm-up (idempotent producer + group coordinator) did not finish; clients may retry at first"
  fi
}

show_log_tail() {
  local n="${1:-40}"
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last $n lines of $LOG_FILE -----" >&2
    tail -n "$n" "$LOG_FILE" >&2
  else
    echo "kafka: no broker log at $LOG_FILE" >&2
  fi
  # JVM-level failures (out of memory, bad options, missing classes) only reach stdout/stderr.
  if [[ -s "$OUT_FILE" ]]; then
    echo "----- last $n lines of $OUT_FILE (JVM stdout/stderr) -----" >&2
    tail -n "$n" "$OUT_FILE" >&2
  fi
}

# --- setup -------------------------------------------------------------------------------------

ensure_libs() {
  [[ -f "$LIBS_DIR/.complete" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch the Kafka $KAFKA_VERSION jars)"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR ..."
  local tmp="$LIBS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Quiet Maven (-q, output kept aside: Maven 3.8 still prints stray colour codes); errors are shown.
  local mvn_log="$KAFKA_CACHE_DIR/maven.log"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" >&2
    rm -rf "$tmp"
    rmdir "$(dirname "$LIBS_DIR")" 2>/dev/null || true
    die "Maven could not resolve the Kafka $KAFKA_VERSION jars (see the errors above)"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after Maven ran"; }
  touch "$tmp/.complete"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
}

write_config() {
  local esc_data
  esc_data="$(printf '%s' "$DATA_DIR" | sed 's/[\\&|]/\\&/g')"
  sed -e "s|@PORT@|$KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$esc_data|g" \
      "$SCRIPT_DIR/server.properties" >"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
}

ensure_formatted() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  mkdir -p "$DATA_DIR"
  # Random 22-char base64url id (16 bytes), the form Kafka's Uuid uses. Passed as --cluster-id=<id>:
  # an id may begin with "-", which as a separate argument would be read as an option.
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  java -Xmx256m -cp "$LIBS_DIR/*" \
    -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" -Dkafka.broker.log="$LOG_FILE" \
    kafka.tools.StorageTool format --ignore-formatted --cluster-id="$cluster_id" -c "$CONFIG" >"$KAFKA_STATE_DIR/format.out" 2>&1 \
    || { cat "$KAFKA_STATE_DIR/format.out" >&2; die "StorageTool format failed"; }
}

wait_until_serving() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      show_log_tail 40
      die "broker process $pid exited during startup"
    fi
    if broker_serves; then
      return 0
    fi
    sleep 1
  done
  show_log_tail 40
  die "broker (pid $pid) did not serve metadata on 127.0.0.1:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (still running; 'kafka.sh stop' to end it)"
}

# --- commands ----------------------------------------------------------------------------------

cmd_start() {
  local started=$SECONDS pid
  if pid="$(broker_pid)"; then
    if broker_serves; then
      warm_up "$pid"   # no-op unless an earlier start timed out before warming this broker up
      log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    log "broker pid $pid is up but not serving yet; waiting"
    wait_until_serving "$pid"
    warm_up "$pid"
    log "ready on 127.0.0.1:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"

  if port_open "$KAFKA_PORT"; then
    die "127.0.0.1:$KAFKA_PORT is already in use by a process this script did not start; stop it or set KAFKA_PORT"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "127.0.0.1:$KAFKA_CONTROLLER_PORT is already in use; stop that process or set KAFKA_CONTROLLER_PORT"
  fi

  command -v java >/dev/null 2>&1 || die "java not found (Java 17 is needed)"
  ensure_libs
  write_config
  ensure_formatted

  log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT"
  : >"$OUT_FILE"
  # setsid: own session, so Ctrl-C in the calling terminal / npm does not reach the broker.
  # shellcheck disable=SC2086
  nohup setsid java $KAFKA_HEAP_OPTS \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
    -Dkafka.broker.log="$LOG_FILE" -Dkafka.logs.dir="$KAFKA_STATE_DIR" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$OUT_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  wait_until_serving "$pid"
  warm_up "$pid"
  log "ready on 127.0.0.1:$KAFKA_PORT (pid $pid, $((SECONDS - started))s); log: $LOG_FILE"
}

cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not exit within 30s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  fi
  rm -f "$PID_FILE" "$WARM_FILE"
  log "stopped"
}

# A crash, not a shutdown: no controlled shutdown, no flush; the next start recovers the logs.
cmd_kill() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "killing broker (pid $pid) with SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  rm -f "$PID_FILE" "$WARM_FILE"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if broker_serves; then
      log "running (pid $pid), serving on 127.0.0.1:$KAFKA_PORT, Kafka $KAFKA_VERSION"
      return 0
    fi
    log "process running (pid $pid) but not serving on 127.0.0.1:$KAFKA_PORT"
    return 1
  fi
  log "stopped"
  return 3
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no broker log yet at $LOG_FILE"
  if [[ "${1:-}" == "-f" || "${1:-}" == "--follow" ]]; then
    exec tail -n 100 -F "$LOG_FILE"
  fi
  tail -n "${KAFKA_LOG_LINES:-100}" "$LOG_FILE"
}

usage() { echo "usage: $0 start|stop|kill|status|logs [-f]" >&2; exit 2; }

# Serialize start/stop so two concurrent callers never launch two brokers.
# (The broker itself is started with fd 9 closed, so it does not hold the lock.)
with_lock() {
  exec 9>"$LOCK_FILE"
  flock 9
  "$@"
}

case "${1:-}" in
  start) with_lock cmd_start ;;
  stop) with_lock cmd_stop ;;
  kill) with_lock cmd_kill ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *) usage ;;
esac
