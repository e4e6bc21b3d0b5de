printf '{"type":"alert","ts":1,"name":"A","state":"firing","start":1}\n{"type":"alert","ts":"x"}\n' | aiops-cluster
