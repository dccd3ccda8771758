using NetScope.Exporters.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetScope.Agent.Top;

/// <summary>The flood filter: its rules with counters, and the top offenders across rules.</summary>
internal static class FloodPanelRenderer
{
    /// <summary>Rules listed at most (the agent allows 32; the rest are summarised).</summary>
    public const int MaxRules = 4;

    /// <summary>Offenders listed at most, busiest first.</summary>
    public const int MaxOffenders = 5;

    /// <summary>Lines <see cref="Render"/> takes for <paramref name="flood"/>.</summary>
    public static int Height(FloodSnapshot? flood)
    {
        if (flood is null || flood.Rules.Count == 0)
        {
            return 1;
        }

        int offenders = Math.Min(MaxOffenders, flood.Rules.Sum(r => r.TopOffenders.Count));
        return 1 + Math.Min(MaxRules, flood.Rules.Count) + (flood.Rules.Count > MaxRules ? 1 : 0) + (offenders > 0 ? 1 + offenders : 0);
    }

    public static IRenderable Render(FloodSnapshot? flood)
    {
        if (flood is null)
        {
            return new Markup("[grey] flood filter state unavailable[/]");
        }

        if (flood.Rules.Count == 0)
        {
            return new Markup("[grey] no rules: XDP only counts requests (rules: docs/rules.md)[/]");
        }

        var items = new List<IRenderable>();
        var rules = new Table().Border(TableBorder.None);
        foreach (string name in new[] { "rule", "action", "mode", "matches", "drops", "shadow", "alerts", "blocked" })
        {
            var column = new TableColumn($"[bold]{name}[/]").NoWrap();
            rules.AddColumn(name is "rule" or "action" or "mode" ? column : column.RightAligned());
        }

        foreach (FloodRuleStatus rule in flood.Rules.Take(MaxRules))
        {
            string drops = rule.Drops > 0 ? $"[red]{TopFormat.Count(rule.Drops)}[/]" : "0";
            rules.AddRow(
                Markup.Escape(rule.Name),
                Markup.Escape(rule.Action),
                Markup.Escape(rule.Mode),
                TopFormat.Count(rule.Matches),
                drops,
                TopFormat.Count(rule.ShadowDrops),
                TopFormat.Count(rule.Alerts),
                TopFormat.Count(rule.BlockedSources));
        }

        items.Add(rules);
        if (flood.Rules.Count > MaxRules)
        {
            items.Add(new Markup($"[grey] and {flood.Rules.Count - MaxRules} more rule(s): curl /api/v1/flood[/]"));
        }

        var offenders = flood.Rules
            .SelectMany(r => r.TopOffenders.Select(o => (Rule: r.Name, Offender: o)))
            .OrderByDescending(x => x.Offender.WindowCount)
            .Take(MaxOffenders)
            .ToList();
        if (offenders.Count > 0)
        {
            var table = new Table().Border(TableBorder.None);
            table.AddColumn("[bold]top offender[/]");
            table.AddColumn("[bold]rule[/]");
            table.AddColumn("[bold]state[/]");
            table.AddColumn(new TableColumn("[bold]expires in[/]").RightAligned());
            table.AddColumn(new TableColumn("[bold]in window[/]").RightAligned());
            foreach ((string rule, FloodOffender offender) in offenders)
            {
                string state = offender.State == "blocked" ? "[red]blocked[/]" : Markup.Escape(offender.State);
                table.AddRow(
                    Markup.Escape(offender.Source),
                    Markup.Escape(rule),
                    state,
                    TopFormat.Span(TimeSpan.FromSeconds(offender.BlockExpiresInSeconds)),
                    TopFormat.Count(offender.WindowCount));
            }

            items.Add(table);
        }

        return new Rows(items);
    }

    /// <summary>"Flood filter · generation 3 · eth0 attached, eth1 NOT attached".</summary>
    public static string Title(FloodSnapshot? flood, TopStyle style)
    {
        if (flood is null)
        {
            return "Flood filter";
        }

        string interfaces = flood.Interfaces.Count == 0
            ? "XDP off"
            : string.Join(", ", flood.Interfaces.Select(i => i.Attached ? $"{i.Name} attached" : $"{i.Name} NOT attached"));
        return $"Flood filter{style.Separator}generation {flood.Generation}{style.Separator}{interfaces}";
    }
}
