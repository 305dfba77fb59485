package dev.rnn4j.text.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailTextTest {
    @Test
    void dropsTheTransportHeadersAndKeepsTheOthersAndTheBody() {
        String mail = "From a@b.c  Tue Aug  6 11:01:33 2002\n"
                + "Return-Path: <a@b.c>\n"
                + "Received: from x (x [1.2.3.4])\n"
                + "\tby y with SMTP id 1\n"
                + "Subject: Cash grants,\n"
                + "  secret revealed\n"
                + "Date: Sun, 19 Oct 1980 10:55:16\n"
                + "Precedence: bulk\n"
                + "\n"
                + "Body line one\n\nline two\n";
        assertThat(MailText.of(mail)).isEqualTo("\nSubject: Cash grants, secret revealed\nPrecedence: bulk\n\n\n"
                + "Body line one\n\nline two\n");
    }

    @Test
    void readsADocumentWithoutHeadersWhole() {
        assertThat(MailText.of("Just a note: nothing\n\nmore")).isEqualTo("Just a note: nothing\n\nmore");
        assertThat(MailText.of("no headers here")).isEqualTo("no headers here");
    }
}
