package com.ncvault.machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;

/**
 * The control's own FTP server. Passive mode (the vault connects out, the control never connects
 * back), binary type (no line-ending translation: what the vault holds is what the control gets),
 * timeouts on connect and on data so a machine that stops answering fails a transfer instead of
 * holding a worker. After the upload the file is retrieved again and its SHA-256 compared.
 */
public final class FtpTransport implements Transport, Inbox {
    private final Settings settings;

    /**
     * @param directory      where programs go ("" for the login directory)
     * @param inboxDirectory where programs come back, or {@code null}
     */
    public record Settings(String host, int port, String user, String password, String directory,
                           String inboxDirectory, Duration connectTimeout, Duration dataTimeout) {
        public Settings {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("an FTP host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the port must be 1 to 65535");
            }
            user = user == null || user.isBlank() ? "anonymous" : user;
            password = password == null ? "" : password;
            directory = directory == null ? "" : directory;
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
            dataTimeout = dataTimeout == null ? Duration.ofSeconds(30) : dataTimeout;
        }

        @Override
        public String toString() {
            return "ftp://" + user + "@" + host + ":" + port + "/" + directory;
        }
    }

    public FtpTransport(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String kind() {
        return "ftp";
    }

    @Override
    public Delivery send(String name, byte[] content) throws IOException {
        ProgramNames.require(name);
        FTPClient ftp = connect();
        try {
            cd(ftp, settings.directory());
            if (!ftp.storeFile(name, new ByteArrayInputStream(content))) {
                throw new IOException("the machine refused the upload: " + reply(ftp));
            }
            long[] count = new long[1];
            String readBack;
            try (InputStream in = ftp.retrieveFileStream(name)) {
                if (in == null) {
                    throw new IOException("the machine refused the read-back: " + reply(ftp));
                }
                readBack = Sha256.of(in, count);
            }
            if (!ftp.completePendingCommand()) {
                throw new IOException("the read-back did not complete: " + reply(ftp));
            }
            if (count[0] != content.length || !readBack.equals(Sha256.of(content))) {
                throw new IOException("read-back differs from what was sent (" + count[0] + " of "
                        + content.length + " bytes)");
            }
            return new Delivery(content.length, readBack, true);
        } finally {
            close(ftp);
        }
    }

    @Override
    public int poll(Sink sink) throws IOException {
        if (settings.inboxDirectory() == null || settings.inboxDirectory().isBlank()) {
            return 0;
        }
        FTPClient ftp = connect();
        try {
            cd(ftp, settings.inboxDirectory());
            List<String> names = new ArrayList<>();
            for (FTPFile file : ftp.listFiles()) {
                if (file != null && file.isFile() && !file.getName().startsWith(".")
                        && file.getSize() >= 0 && file.getSize() <= MAX_PROGRAM_BYTES) {
                    names.add(file.getName());
                }
            }
            names.sort(null);
            int taken = 0;
            for (String name : names) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (InputStream in = ftp.retrieveFileStream(name)) {
                    if (in == null) {
                        continue;
                    }
                    // the listing's size may lie: never hold more than the limit
                    byte[] head = in.readNBytes(MAX_PROGRAM_BYTES + 1);
                    out.write(head);
                }
                if (!ftp.completePendingCommand() || out.size() > MAX_PROGRAM_BYTES) {
                    continue;
                }
                try {
                    sink.accept(name, out.toByteArray());
                } catch (Exception refused) {
                    continue;
                }
                ftp.deleteFile(name);
                taken++;
            }
            return taken;
        } finally {
            close(ftp);
        }
    }

    private FTPClient connect() throws IOException {
        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout((int) settings.connectTimeout().toMillis());
        ftp.setDefaultTimeout((int) settings.dataTimeout().toMillis());
        ftp.setDataTimeout(settings.dataTimeout());
        try {
            ftp.connect(settings.host(), settings.port());
            if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
                throw new IOException("the machine's FTP server refused the connection: " + reply(ftp));
            }
            ftp.setSoTimeout((int) settings.dataTimeout().toMillis());
            if (!ftp.login(settings.user(), settings.password())) {
                throw new IOException("the machine's FTP server refused the login of " + settings.user());
            }
            ftp.enterLocalPassiveMode();
            if (!ftp.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw new IOException("the machine's FTP server refused binary mode: " + reply(ftp));
            }
            return ftp;
        } catch (IOException e) {
            close(ftp);
            throw e;
        }
    }

    private static void cd(FTPClient ftp, String directory) throws IOException {
        if (directory != null && !directory.isBlank() && !ftp.changeWorkingDirectory(directory)) {
            throw new IOException("no directory " + directory + " at the machine: " + reply(ftp));
        }
    }

    private static String reply(FTPClient ftp) {
        String text = ftp.getReplyString();
        return text == null ? "no reply" : text.strip();
    }

    private static void close(FTPClient ftp) {
        if (!ftp.isConnected()) {
            return;
        }
        try {
            ftp.logout();
        } catch (IOException ignored) {
            // the connection is closed below either way
        }
        try {
            ftp.disconnect();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
