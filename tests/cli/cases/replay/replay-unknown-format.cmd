printf "hello world\n" | aiops-replay
