using System.Globalization;
using System.Runtime.CompilerServices;

namespace ReformMetrics.Ingest.Contract;

/// <summary>
/// Times of the contract: ISO 8601 date and time, with an offset (<c>Z</c>, <c>+07:00</c>, <c>+0700</c>) or
/// without one, which means Vietnam time (UTC+7). Seconds and fractions are optional; a space may stand for T.
/// Parsed without allocating on the common shapes, since every event carries one or two.
/// </summary>
public static class EventTime
{
    private const long VietnamOffsetMs = 7 * 3600 * 1000;

    /// <summary>Parses to Unix milliseconds (UTC).</summary>
    [MethodImpl(HotPath.Options)]
    public static bool TryParse(ReadOnlySpan<char> text, out long utcMilliseconds)
    {
        utcMilliseconds = 0;
        text = text.Trim();
        // yyyy-MM-ddTHH:mm is the shortest accepted form.
        if (text.Length < 16 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute)
            || month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59)
        {
            return false;
        }

        var position = 16;
        var second = 0;
        var millisecond = 0;
        if (position < text.Length && text[position] == ':')
        {
            if (!Digits(text, position + 1, 2, out second) || second > 59)
            {
                return false;
            }

            position += 3;
            if (position < text.Length && (text[position] == '.' || text[position] == ','))
            {
                var start = ++position;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    if (position - start < 3)
                    {
                        millisecond = millisecond * 10 + (text[position] - '0');
                    }

                    position++;
                }

                if (position == start)
                {
                    return false;
                }

                for (var digits = position - start; digits < 3; digits++)
                {
                    millisecond *= 10;
                }
            }
        }

        long offsetMs;
        var zone = text[position..];
        if (zone.IsEmpty)
        {
            offsetMs = VietnamOffsetMs;
        }
        else if (zone is "Z" or "z")
        {
            offsetMs = 0;
        }
        else if ((zone[0] == '+' || zone[0] == '-') && TryOffset(zone[1..], out var minutes))
        {
            offsetMs = (zone[0] == '+' ? 1 : -1) * minutes * 60_000L;
        }
        else
        {
            return false;
        }

        var days = new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        utcMilliseconds = (((days * 24L + hour) * 60 + minute) * 60 + second) * 1000 + millisecond - offsetMs;
        return true;
    }

    public static string Format(long utcMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(utcMilliseconds).ToOffset(TimeSpan.FromHours(7))
            .ToString("dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture);

    private static bool TryOffset(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        int hours;
        int mins;
        if (text.Length == 5 && text[2] == ':')
        {
            if (!Digits(text, 0, 2, out hours) || !Digits(text, 3, 2, out mins))
            {
                return false;
            }
        }
        else if (text.Length == 4)
        {
            if (!Digits(text, 0, 2, out hours) || !Digits(text, 2, 2, out mins))
            {
                return false;
            }
        }
        else if (text.Length == 2)
        {
            if (!Digits(text, 0, 2, out hours))
            {
                return false;
            }

            mins = 0;
        }
        else
        {
            return false;
        }

        minutes = hours * 60 + mins;
        return hours <= 14 && mins < 60;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = value * 10 + digit;
        }

        return true;
    }
}
