# bench/nab_choice.jq - what aiops-fit --tune chose for a series, as
# aiops-fit arguments: "MODEL --k X --alpha Y" or "MODEL --width W".
# Only the knobs --tune searches are passed; every other parameter is the
# default in the tuning run and in the re-run alike.  Empty without a tune
# record (the series could not be fitted).
select(.type == "tune") |
  [.model] + [.after.params | to_entries[] | select(.key == "k" or .key == "alpha" or .key == "width") |
              "--\(.key)", (.value | tostring)] |
  join(" ")
