// Command etcd is etcd v3.5's server main (go.etcd.io/etcd/v3's main.go calls the same
// function), built here because the etcd root module is not importable as a library.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
