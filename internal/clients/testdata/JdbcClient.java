// PgJDBC (Debian's libpostgresql-jdbc-java) with its defaults, only the URL
// naming the endpoint: DatabaseMetaData's getTables, getColumns,
// getPrimaryKeys and getTypeInfo, the calls BI tools (DBeaver, DataGrip,
// Metabase) make to list what is there, and a result set with a SUPER
// column. Expected: the JDBC DatabaseMetaData documentation's result
// columns, with the values PgJDBC gives against Postgres for the same DDL.

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

public class JdbcClient {
    static void check(String what, Object got, Object want) {
        if (!Objects.equals(got, want)) {
            System.err.println("FAIL " + what + ":\n  got  " + got + "\n  want " + want);
            System.exit(1);
        }
        System.out.println("ok   " + what);
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("BLUESHIFT_SQL_HOST") + ":"
                + System.getenv("BLUESHIFT_SQL_PORT") + "/dev";
        try (Connection c = DriverManager.getConnection(url, "alice", "")) {
            try (Statement st = c.createStatement()) {
                st.execute("create table orders (id int primary key, customer varchar(40) not null, total decimal(12,2), doc super)");
                st.execute("insert into orders values (1, 'ann', 12.50, json_parse('{\"items\":[1,2]}')), (2, 'bob', null, null)");
            }
            DatabaseMetaData md = c.getMetaData();

            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + " " + rs.getString("TABLE_TYPE"));
                }
            }
            check("getTables", tables, List.of("public.orders TABLE"));

            List<String> cols = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "public", "orders", "%")) {
                while (rs.next()) {
                    cols.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("COLUMN_SIZE")
                            + " " + rs.getString("IS_NULLABLE"));
                }
            }
            check("getColumns", cols, List.of("id int4 10 NO", "customer varchar 40 NO", "total numeric 12 YES", "doc super 2147483647 YES"));

            List<String> pk = new ArrayList<>();
            try (ResultSet rs = md.getPrimaryKeys(null, "public", "orders")) {
                while (rs.next()) {
                    pk.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("KEY_SEQ"));
                }
            }
            check("getPrimaryKeys", pk, List.of("id 1"));

            List<String> types = new ArrayList<>();
            try (ResultSet rs = md.getTypeInfo()) {
                while (rs.next()) {
                    types.add(rs.getString("TYPE_NAME"));
                }
            }
            for (String t : List.of("int4", "int8", "varchar", "numeric", "bool", "timestamp", "super")) {
                check("getTypeInfo has " + t, types.contains(t), true);
            }

            try (PreparedStatement ps = c.prepareStatement("select id, customer, total, doc from orders where id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData rm = rs.getMetaData();
                    check("SUPER column type name", rm.getColumnTypeName(4), "super");
                    check("a row", rs.next(), true);
                    check("values", rs.getInt(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3) + " " + rs.getString(4),
                            "1 ann 12.50 {\"items\":[1,2]}");
                    check("SUPER getObject", String.valueOf(rs.getObject(4)), "{\"items\":[1,2]}");
                }
            }
        }
        System.out.println("PgJDBC: all checks passed");
    }
}
