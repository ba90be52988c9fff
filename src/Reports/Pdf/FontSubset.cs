using System.Runtime.InteropServices;

namespace ReformMetrics.Reports.Pdf;

/// <summary>
/// Cuts a font down to the characters Vietnamese reports use, with HarfBuzz's subsetter (in the native HarfBuzz that
/// ScottPlot already brings; its .NET binding does not wrap the subsetter). Skia embeds the whole font file it is given in
/// every PDF, about 230 KB a face once compressed; the subset is a tenth of that. The subset is made in memory when the
/// fonts load, for embedding only: the repository ships the fonts unmodified.
/// </summary>
internal static partial class FontSubset
{
    /// <summary>Latin with every Vietnamese letter, combining marks, punctuation, ₫ and €, №, ™, arrows, − ≈ ≠ ≤ ≥, and a
    /// few shapes.</summary>
    public static readonly (int First, int Last)[] Ranges =
    [
        (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x323), (0x1E00, 0x1EFF), (0x2010, 0x2027), (0x2030, 0x2044), (0x20AB, 0x20AC),
        (0x2116, 0x2116), (0x2122, 0x2122), (0x2190, 0x2193), (0x2212, 0x2212), (0x2248, 0x2248), (0x2260, 0x2260),
        (0x2264, 0x2265), (0x25A0, 0x25CF),
    ];

    private const string HarfBuzz = "libHarfBuzzSharp";
    private const uint NoHinting = 0x1; // HB_SUBSET_FLAGS_NO_HINTING: the reports draw unhinted (see PdfLayout.Font)

    /// <summary>The subset of <paramref name="font"/> (a TrueType file), or null when HarfBuzz cannot make one.</summary>
    public static byte[]? Make(byte[] font)
    {
        ArgumentNullException.ThrowIfNull(font);
        var pinned = GCHandle.Alloc(font, GCHandleType.Pinned);
        nint blob = 0, face = 0, input = 0, subset = 0, result = 0;
        try
        {
            blob = hb_blob_create(pinned.AddrOfPinnedObject(), (uint)font.Length, 1 /* read-only: HarfBuzz copies nothing */, 0, 0);
            face = hb_face_create(blob, 0);
            input = hb_subset_input_create_or_fail();
            if (input == 0)
            {
                return null;
            }

            var unicodes = hb_subset_input_unicode_set(input);
            foreach (var (first, last) in Ranges)
            {
                hb_set_add_range(unicodes, (uint)first, (uint)last);
            }

            hb_subset_input_set_flags(input, NoHinting);
            subset = hb_subset_or_fail(face, input);
            if (subset == 0)
            {
                return null;
            }

            result = hb_face_reference_blob(subset);
            var data = hb_blob_get_data(result, out var length);
            if (data == 0 || length == 0)
            {
                return null;
            }

            var bytes = new byte[length];
            Marshal.Copy(data, bytes, 0, (int)length);
            return bytes;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            Destroy(result, hb_blob_destroy);
            Destroy(subset, hb_face_destroy);
            Destroy(input, hb_subset_input_destroy);
            Destroy(face, hb_face_destroy);
            Destroy(blob, hb_blob_destroy);
            pinned.Free();
        }
    }

    private static void Destroy(nint handle, Action<nint> destroy)
    {
        if (handle != 0)
        {
            destroy(handle);
        }
    }

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_blob_create(nint data, uint length, int mode, nint userData, nint destroy);

    [LibraryImport(HarfBuzz)]
    private static partial void hb_blob_destroy(nint blob);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_blob_get_data(nint blob, out uint length);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_face_create(nint blob, uint index);

    [LibraryImport(HarfBuzz)]
    private static partial void hb_face_destroy(nint face);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_face_reference_blob(nint face);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_subset_input_create_or_fail();

    [LibraryImport(HarfBuzz)]
    private static partial void hb_subset_input_destroy(nint input);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_subset_input_unicode_set(nint input);

    [LibraryImport(HarfBuzz)]
    private static partial void hb_subset_input_set_flags(nint input, uint flags);

    [LibraryImport(HarfBuzz)]
    private static partial void hb_set_add_range(nint set, uint first, uint last);

    [LibraryImport(HarfBuzz)]
    private static partial nint hb_subset_or_fail(nint face, nint input);
}
