# bench/nab_row.jq - one Markdown row of bench/nab.sh's table.  Input
# (jq -s): the runs of one model and mode, each {"params": "--k 3 ...",
# "events": N, "nab": aiops-eval's .nab}.  One run (default, tuned) is
# shown as it is; for several (corpus: one setting for all files) each
# profile shows its best run, as NAB's threshold optimiser does, and the
# other columns are those of the best run for the standard profile.
# Arguments: $m model, $mode, $s fit seconds.
def f2: if . < 0 then "−" + (- . | f2)
        else (. * 100 | round) as $x | "\($x / 100 | floor).\($x % 100 + 100 | tostring | .[1:])" end;
def best(p): max_by(.nab[p].score);
def knobs: gsub("--"; "") | gsub("alpha"; "α");
best("standard") as $std | best("reward_low_FP_rate") as $fp | best("reward_low_FN_rate") as $fn |
(if length == 1 then .[0].params
 elif ([$std, $fp, $fn] | map(.params) | unique | length) == 1 then $std.params | knobs
 else "std \($std.params | knobs); FP \($fp.params | knobs); FN \($fn.params | knobs)" end) as $p |
"| \($m) | \($mode) | \($p) | \($std.nab.standard.score | f2) | \($fp.nab.reward_low_FP_rate.score | f2) | \($fn.nab.reward_low_FN_rate.score | f2) | \($std.nab.standard.detected)/\($std.nab.windows) | \($std.nab.standard.fp_rows) | \($std.events) | \($s) |"
