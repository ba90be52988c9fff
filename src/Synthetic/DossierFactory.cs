using System.Globalization;
using ReformMetrics.Store.Calendar;
using P = ReformMetrics.Synthetic.Parameters.GeneratorParameters;

namespace ReformMetrics.Synthetic;

/// <summary>Builds the whole life of one dossier from its own random stream: receipt, deadline in working days,
/// supplement requests that pause the clock, deadline extensions, withdrawal, resolution early / on the due day /
/// late, apology, return of the result, online payment and rating. The state rules of 0003_dossier_state.sql decide
/// the classes; the generator only aims at realistic shares.</summary>
internal sealed class DossierFactory(Catalogue catalogue, WorkingCalendar calendar)
{
    private static readonly TimeSpan DueTime = TimeSpan.FromHours(17);

    public void Build(ulong dossierSeed, SyntheticProvince province, DateOnly day, int sequence, SyntheticDossier d)
    {
        var rng = new Rng(dossierSeed);
        d.Events.Clear();
        d.Province = province;
        d.Id = string.Create(CultureInfo.InvariantCulture, $"{province.Code}-{day:yyMMdd}-{sequence:D6}");

        // Offices are closed on non-working days: what arrives then was submitted online.
        var working = calendar.IsWorkingDay(day);
        var procedure = d.Procedure = catalogue.Pick(ref rng, onlineOnly: !working);
        d.Channel = !working ? "online" : Channel(ref rng, province, day, procedure);
        d.Level = procedure.Level == "district" && province.Geo == 2025 ? "commune" : procedure.Level;
        d.AgencyCode = d.Level switch
        {
            "province" => province.Agency(P.Departments[procedure.SectorCode].Code),
            "district" => province.Agency(Geography.District(1 + rng.Next(province.Districts))),
            _ => province.Agency(Geography.Commune(1 + rng.Next(province.Communes))),
        };

        var receivedAt = day.ToDateTime(TimeOnly.MinValue) + (d.Channel == "online"
            ? TimeSpan.FromMinutes(360 + rng.Next(17 * 60))
            : TimeSpan.FromMinutes(450 + rng.Next(570)));
        var due = calendar.AddWorkingDays(day, procedure.WorkingDays).ToDateTime(TimeOnly.MinValue) + DueTime;
        d.Events.Add(new SyntheticEvent(EventKind.Received, receivedAt, d.Channel, rng.Chance(P.DueOmittedShare) ? null : due));

        if (procedure.HasFee && rng.Chance(PaidOnlineShare(d.Channel, day)))
        {
            d.Events.Add(new SyntheticEvent(EventKind.PaidOnline, receivedAt.AddMinutes(5 + rng.Next(55))));
        }

        // The earliest moment the office can act: after the receipt and after the applicant's answers.
        var ready = receivedAt.AddMinutes(30);
        var waitWorkingDays = 0;
        if (rng.Chance(procedure.IsLand ? P.SupplementShareLand : P.SupplementShare))
        {
            var requests = rng.Chance(P.SecondSupplementShare) ? 2 : 1;
            for (var i = 0; i < requests; i++)
            {
                var requestDay = calendar.AddWorkingDays(DateOnly.FromDateTime(ready), 1 + rng.Next(Math.Max(1, procedure.WorkingDays / 2)));
                var requested = At(requestDay, ref rng);
                d.Events.Add(new SyntheticEvent(EventKind.SupplementRequested, requested, Reason: "Thiếu giấy tờ theo quy định, đề nghị bổ sung"));
                if (rng.Chance(P.SupplementNeverAnswered))
                {
                    if (rng.Chance(0.5))
                    {
                        var gaveUp = At(calendar.AddWorkingDays(requestDay, 10 + rng.Next(10)), ref rng);
                        d.Events.Add(new SyntheticEvent(EventKind.Withdrawn, gaveUp, Reason: "Công dân không bổ sung hồ sơ, xin rút"));
                    }

                    return;
                }

                var wait = 1 + rng.Next(8);
                var answered = At(calendar.AddWorkingDays(requestDay, wait), ref rng);
                d.Events.Add(new SyntheticEvent(EventKind.SupplementReceived, answered));
                waitWorkingDays += wait;
                ready = answered.AddMinutes(30);
            }
        }

        if (rng.Chance(P.DueChangedShare))
        {
            var changedAt = Max(At(calendar.AddWorkingDays(day, Math.Max(1, procedure.WorkingDays / 2)), ref rng), ready);
            due = calendar.AddWorkingDays(due, P.DueChangedExtraDays);
            d.Events.Add(new SyntheticEvent(EventKind.DueChanged, changedAt, Due: due, Reason: "Gia hạn do cần xác minh thêm"));
        }

        var effectiveDue = calendar.AddWorkingDays(due, waitWorkingDays);
        if (rng.Chance(P.WithdrawnShare))
        {
            var withdrawn = Max(At(calendar.AddWorkingDays(DateOnly.FromDateTime(ready), rng.Next(procedure.WorkingDays + 1)), ref rng), ready);
            d.Events.Add(new SyntheticEvent(EventKind.Withdrawn, withdrawn, Reason: "Công dân xin rút hồ sơ"));
            return;
        }

        var resolved = Resolution(ref rng, province, procedure, day, ready, effectiveDue);
        var late = resolved > effectiveDue;
        if (late && rng.Chance(P.ApologyShare))
        {
            var apology = At(calendar.AddWorkingDays(DateOnly.FromDateTime(effectiveDue), 1), ref rng);
            d.Events.Add(new SyntheticEvent(EventKind.Apologized, apology < resolved ? apology : resolved.AddHours(1),
                Reason: "Thư xin lỗi vì giải quyết quá hạn"));
        }

        d.Events.Add(new SyntheticEvent(EventKind.Resolved, resolved, rng.Chance(P.RejectedShare) ? "rejected" : "approved"));
        var after = resolved;
        if (rng.Chance(P.ReturnedShare))
        {
            after = Max(At(calendar.AddWorkingDays(DateOnly.FromDateTime(resolved), rng.Next(3)), ref rng), resolved.AddMinutes(10));
            d.Events.Add(new SyntheticEvent(EventKind.Returned, after, ReturnChannel(ref rng, d.Channel)));
        }

        if (rng.Chance(P.RatedShare))
        {
            var odds = late ? P.RatingLate : P.RatingOnTime;
            var u = rng.NextDouble();
            var rating = u < odds[0] ? "very_satisfied" : u < odds[0] + odds[1] ? "satisfied" : "dissatisfied";
            d.Events.Add(new SyntheticEvent(EventKind.Rated, after.AddMinutes(5 + rng.Next(3 * 24 * 60)), rating));
        }
    }

    public static double OnlineShare(DateOnly day, SyntheticProvince province)
    {
        var months = (day.DayNumber - P.OnlineShareMidpoint.DayNumber) / 30.44;
        var national = P.OnlineShareStart + P.OnlineShareRise / (1 + Math.Exp(-months / P.OnlineShareMonthsScale));
        return Math.Clamp(national + province.OnlineOffset, 0.02, 0.95);
    }

    private static string Channel(ref Rng rng, SyntheticProvince province, DateOnly day, SyntheticProcedure procedure)
    {
        if (procedure.OnlineEnabled && rng.Chance(Math.Min(0.97, OnlineShare(day, province) / P.EnabledShareForOnline)))
        {
            return "online";
        }

        return rng.Chance(province.PostalShare) ? "postal" : "direct";
    }

    private static string ReturnChannel(ref Rng rng, string submitted) => submitted switch
    {
        "postal" => rng.Chance(P.PostalReturnIfPostal) ? "postal" : "direct",
        "online" => rng.Chance(P.OnlineReturnIfOnline) ? "online" : rng.Chance(P.PostalReturnOtherwise * 2) ? "postal" : "direct",
        _ => rng.Chance(P.PostalReturnOtherwise) ? "postal" : "direct",
    };

    private static double PaidOnlineShare(string channel, DateOnly day)
    {
        if (channel != "online")
        {
            return P.PaidOnlineIfDirect;
        }

        var progress = Math.Clamp((day.Year - 2024) / 3.0, 0, 1);
        return P.PaidOnlineIfOnlineStart + (P.PaidOnlineIfOnlineEnd - P.PaidOnlineIfOnlineStart) * progress;
    }

    private DateTime Resolution(ref Rng rng, SyntheticProvince province, SyntheticProcedure procedure, DateOnly received, DateTime ready, DateTime effectiveDue)
    {
        var years = Math.Max(0, received.Year - 2024 + received.DayOfYear / 365.0);
        var lateShare = procedure.LateShare * province.LateFactor * Math.Pow(1 - P.LateYearlyImprovement, years);
        var u = rng.NextDouble();
        var dueDay = DateOnly.FromDateTime(effectiveDue);
        if (u < lateShare)
        {
            return Max(At(calendar.AddWorkingDays(dueDay, 1 + rng.Geometric(P.LateExtraDaysGeometric)), ref rng), ready);
        }

        var first = calendar.WorkingDayIndex(DateOnly.FromDateTime(ready));
        var last = calendar.WorkingDayIndex(dueDay) - 1;
        if (u < lateShare + P.OnDueDayShare || last < first)
        {
            var onDue = dueDay.ToDateTime(TimeOnly.MinValue) + TimeSpan.FromMinutes(480 + rng.Next(539));
            return Max(onDue, ready);
        }

        // Early: most offices finish well before the deadline, so favour the first working days.
        var span = last - first + 1;
        var pick = first + (int)(span * rng.NextDouble() * rng.NextDouble());
        return Max(At(calendar.WorkdayAt(pick), ref rng), ready);
    }

    /// <summary>A moment in office hours (08:00–16:59) of a day.</summary>
    private static DateTime At(DateOnly day, ref Rng rng) =>
        day.ToDateTime(TimeOnly.MinValue) + TimeSpan.FromMinutes(480 + rng.Next(540));

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
