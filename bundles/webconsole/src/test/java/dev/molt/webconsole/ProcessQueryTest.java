package dev.molt.webconsole;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;

/** The processes table's filters, sort and pages, on the server. */
public class ProcessQueryTest {

    private static List<ProcessInfo> processes(int n) {
        List<ProcessInfo> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new ProcessInfo(new Pid(i), i % 10 == 0 ? "shard-" + i : null, i % 2 == 0 ? "counter" : "chat",
                    i <= n / 2 ? "1.0.0" : "2.0.0", i == 7 ? ProcessStatus.HELD : ProcessStatus.RUNNING, n - i, i * 3L, 0, null));
        }
        return out;
    }

    private static ProcessQuery query(Map<String, String> params) {
        return ProcessQuery.of(params::get);
    }

    @Test
    public void pagesOfTheDefaultSizeInPidOrder() {
        ProcessQuery.Page p = query(Map.of()).apply(processes(120));
        assertEquals(120, p.total());
        assertEquals(3, p.pages());
        assertEquals(50, p.rows().size());
        assertEquals(1, p.rows().get(0).pid().id());
        ProcessQuery.Page last = query(Map.of("page", "2")).apply(processes(120));
        assertEquals(20, last.rows().size());
        assertEquals("a page past the end shows the last", 2, query(Map.of("page", "99")).apply(processes(120)).page());
    }

    @Test
    public void filtersCombine() {
        ProcessQuery.Page p = query(Map.of("behaviour", "counter", "version", "2.0.0", "name", "SHARD")).apply(processes(100));
        assertEquals(List.of(60L, 70L, 80L, 90L, 100L).stream().filter(i -> i % 2 == 0).toList(),
                p.rows().stream().map(r -> r.pid().id()).toList());
        assertEquals(1, query(Map.of("status", "held")).apply(processes(100)).total());
        assertEquals("a pid typed in the name box finds it", 1, query(Map.of("name", "33")).apply(processes(100)).total());
    }

    @Test
    public void sortsByAColumnEitherWay() {
        ProcessQuery.Page byMailbox = query(Map.of("sort", "mailbox", "dir", "desc", "size", "3")).apply(processes(10));
        assertEquals(List.of(1L, 2L, 3L), byMailbox.rows().stream().map(r -> r.pid().id()).toList());
        ProcessQuery.Page byHandled = query(Map.of("sort", "handled", "dir", "desc", "size", "2")).apply(processes(10));
        assertEquals(List.of(10L, 9L), byHandled.rows().stream().map(r -> r.pid().id()).toList());
        assertEquals("an unknown column sorts by pid", "pid", query(Map.of("sort", "drop table")).sort());
        assertEquals("sizes are bounded", ProcessQuery.MAX_SIZE, query(Map.of("size", "1000000")).size());
    }
}
