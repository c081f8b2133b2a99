package org.faasj.controlplane.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.faasj.model.HttpHeader;
import org.junit.jupiter.api.Test;

/** Only a GET that follows a function's log is spared the relay's total deadline. */
class FollowDeadlineTest {

    @Test
    void aLogFollowIsSparedTheTotalDeadline() {
        assertTrue(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/logs", "follow=true")));
        assertTrue(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/logs", "tail=10&follow=true&call=x")));
    }

    @Test
    void everythingElseKeepsIt() {
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/logs", "")));
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/logs", "follow=false")));
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/logs", "xfollow=true")));
        assertFalse(RelayDeadlines.sparesTotal(head("POST", "/system/functions/hello/logs", "follow=true")));
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/system/functions/hello/stats", "follow=true")));
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/system/functions", "follow=true")));
        assertFalse(RelayDeadlines.sparesTotal(head("GET", "/upload/a/b/logs", "follow=true")));
    }

    private static RequestHead head(String method, String path, String query) {
        return new RequestHead(method, path, query, true, List.of(new HttpHeader("Host", "x")), 0, false, true, false, 40);
    }
}
