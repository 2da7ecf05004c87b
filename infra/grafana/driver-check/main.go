// driver-check connects to Chainwatch's read-only ClickHouse endpoint the way the Grafana
// ClickHouse plugin does over HTTP (clickhouse-go, the version the plugin pins, Native format,
// gzip, a URL path, the token as password) and runs what a dashboard runs: ping, the server
// hello, a time series, a table with LowCardinality, DateTime64 and Array columns, and a query
// the endpoint must refuse. It prints one line per check and exits 1 on the first failure.
//
//	go run . 127.0.0.1:8080 "$(cat data/dev-token)" chainwatch
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

func fail(format string, args ...any) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: driver-check HOST:PORT TOKEN DATABASE")
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{os.Args[1]},
		Protocol:    clickhouse.HTTP,
		HttpUrlPath: "/clickhouse",
		Auth:        clickhouse.Auth{Database: os.Args[3], Username: "grafana", Password: os.Args[2]},
		Compression: &clickhouse.Compression{Method: clickhouse.CompressionGZIP},
		DialTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second,
	})
	if err != nil {
		fail("open: %v", err)
	}
	ctx := context.Background()
	if err := conn.Ping(ctx); err != nil {
		fail("ping: %v", err)
	}
	fmt.Println("ok ping")

	var version string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		fail("version: %v", err)
	}
	fmt.Println("ok version", version)

	rows, err := conn.Query(ctx, "SELECT toStartOfInterval(toDateTime(minute), INTERVAL 60 second) AS time, detector, sum(findings) AS n FROM findings_per_minute WHERE minute >= now() - INTERVAL 1 DAY GROUP BY time, detector ORDER BY time")
	if err != nil {
		fail("time series: %v", err)
	}
	series := 0
	for rows.Next() {
		var t time.Time
		var detector string
		var n uint64
		if err := rows.Scan(&t, &detector, &n); err != nil {
			fail("time series scan: %v", err)
		}
		series++
	}
	if err := rows.Err(); err != nil {
		fail("time series rows: %v", err)
	}
	fmt.Println("ok time series rows", series)

	table, err := conn.Query(ctx, "SELECT session_id, severity, ts, evidence_event_ids FROM findings ORDER BY ts DESC LIMIT 10")
	if err != nil {
		fail("table: %v", err)
	}
	var types []string
	for _, c := range table.ColumnTypes() {
		types = append(types, c.Name()+":"+c.DatabaseTypeName())
	}
	found := 0
	for table.Next() {
		var session, severity string
		var ts time.Time
		var evidence []string
		if err := table.Scan(&session, &severity, &ts, &evidence); err != nil {
			fail("table scan: %v", err)
		}
		found++
	}
	if err := table.Err(); err != nil {
		fail("table rows: %v", err)
	}
	fmt.Println("ok table rows", found, strings.Join(types, " "))

	if _, err := conn.Query(ctx, "SELECT name FROM system.tables"); err == nil || !strings.Contains(err.Error(), "DATABASE_ACCESS_DENIED") {
		fail("system.tables was not refused: %v", err)
	}
	fmt.Println("ok refused system.tables")
}
