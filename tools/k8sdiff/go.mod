module k8sdiff

go 1.24.0

require k8s.io/apimachinery v0.35.0
