# docs/SCALE.md's Kubernetes Indexed Job (the yaml block after "<!-- recipe:
# kubernetes"): the keys an Indexed Job needs, and --shard taking its index
# from JOB_COMPLETION_INDEX with the N of `completions`.  No cluster is run.
set -eu
y=$(awk '/^<!-- recipe: kubernetes/ { on = 1; next } on && /^```yaml/ { go = 1; next }
         go && /^```/ { exit } go { print }' docs/SCALE.md)
[ -n "$y" ] || { echo "manifest not found in docs/SCALE.md"; exit 1; }
need() { printf '%s\n' "$y" | grep -Eq "$1" || { echo "manifest lacks: $1"; exit 1; }; }
need '^apiVersion: batch/v1$'
need '^kind: Job$'
need '^spec:$'
need '^  completionMode: Indexed$'
need '^  completions: [0-9]+$'
need '^  parallelism: [0-9]+$'
need '^      restartPolicy: Never$'
need 'aiops-fit --shard "\$JOB_COMPLETION_INDEX/[0-9]+"'
n=$(printf '%s\n' "$y" | sed -n 's/^  completions: \([0-9]*\)$/\1/p')
printf '%s\n' "$y" | grep -q "JOB_COMPLETION_INDEX/$n\"" || { echo "--shard N is not completions ($n)"; exit 1; }
# each output file is named by the index, so shards never overwrite each other
need '/out/fit-\$JOB_COMPLETION_INDEX\.ndjson'
need '/out/models-\$JOB_COMPLETION_INDEX\.json'
# the command the pod runs is a valid --shard for every index
k=0
while [ $k -lt "$n" ]; do
    "$BIN/aiops-fit" --shard "$k/$n" </dev/null >/dev/null || { echo "--shard $k/$n refused"; exit 1; }
    k=$((k + 1))
done
rc=0; "$BIN/aiops-fit" --shard "$n/$n" </dev/null >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || { echo "--shard $n/$n accepted"; exit 1; }
# no tabs (YAML forbids them for indentation)
printf '%s\n' "$y" | grep -q "$(printf '\t')" && { echo "tab in the manifest"; exit 1; }
echo "manifest ok"
