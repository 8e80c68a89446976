// The DuckDB baseline of bench/vs_duckdb.sh: impossible travel over an Entra Graph
// JSON-lines file in one SQL query (read_json with explicit columns, lag() over
// user and time, haversine, km > 500 AND km > 900 km/h * hours). Prints one JSON line:
// {"threads":N,"seconds":S,"legs":L}.
//
// usage: node bench/duckdb_travel.mjs FILE THREADS   (needs @duckdb/node-api from npm)
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
if (!file || !threads) {
  console.error('usage: node duckdb_travel.mjs FILE THREADS');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const path = file.replaceAll("'", "''");
const sql = `
WITH s AS (
  SELECT userPrincipalName AS upn, createdDateTime AS t, status.errorCode AS err,
         location.geoCoordinates.latitude AS lat, location.geoCoordinates.longitude AS lon
  FROM read_json('${path}', format = 'newline_delimited', columns = {
    userPrincipalName: 'VARCHAR', createdDateTime: 'TIMESTAMP',
    status: 'STRUCT(errorCode BIGINT)',
    location: 'STRUCT(geoCoordinates STRUCT(latitude DOUBLE, longitude DOUBLE))'})
), legs AS (
  SELECT upn, t, lat, lon,
         lag(t) OVER w AS pt, lag(lat) OVER w AS plat, lag(lon) OVER w AS plon
  FROM s WHERE err = 0 AND lat IS NOT NULL
  WINDOW w AS (PARTITION BY upn ORDER BY t)
), km AS (
  SELECT upn, t, 2 * 6371 * asin(sqrt(pow(sin(radians(lat - plat) / 2), 2) +
         cos(radians(plat)) * cos(radians(lat)) * pow(sin(radians(lon - plon) / 2), 2))) AS km,
         epoch(t - pt) / 3600.0 AS hours
  FROM legs WHERE pt IS NOT NULL
)
SELECT count(*) AS legs FROM km WHERE km > 500 AND km > 900 * hours`;
const started = process.hrtime.bigint();
const reader = await con.runAndReadAll(sql);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const legs = Number(reader.getRows()[0][0]);
console.log(JSON.stringify({ threads: Number(threads), seconds: Number(seconds.toFixed(3)), legs }));
