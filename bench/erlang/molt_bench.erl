%% Erlang/OTP as the third peer of Molt's benchmarks: the same workloads as the JVM harness
%% (dev.molt.bench.Messages, SpawnMemory, UpgradeCost), written the plain Erlang way. bench/run
%% compiles this with erlc and runs one VM per measurement, with +S 2:2 (two schedulers, as the
%% JVM systems have two workers).
%%
%% Usage (erl -noshell -pa DIR -run molt_bench main ARGS...):
%%   msg pingpong|fanin|fanout WARMUPS ROUNDS OUT KEY
%%   spawn COUNT ROUNDS OUT KEY
%%   upgrade suspend_all|rolling ROUNDS V1.beam V2.beam OUT KEY N...
%% Each appends key=value lines (Java properties, read by dev.molt.bench.Report) to OUT.
-module(molt_bench).
-export([main/1]).

-define(ROUND_TRIPS, 1000000).
-define(PRODUCERS, 4).
-define(PER_PRODUCER, 1000000).
-define(FANOUT_PROCESSES, 10000).
-define(PER_PROCESS, 100).
-define(IN_FLIGHT, 20000).

main(Args) ->
    try run(Args) of
        _ -> halt(0)
    catch
        Class:Reason:Stack ->
            io:format(standard_error, "molt_bench ~p failed: ~p:~p~n~p~n", [Args, Class, Reason, Stack]),
            halt(1)
    end.

run(["msg", Workload, Warmups, Rounds, Out, Key]) ->
    messages(list_to_atom(Workload), list_to_integer(Warmups), list_to_integer(Rounds), Out, Key);
run(["spawn", Count, Rounds, Out, Key]) ->
    spawn_memory(list_to_integer(Count), list_to_integer(Rounds), Out, Key);
run(["upgrade", Mode, Rounds, V1, V2, Out, Key | Sizes]) ->
    [upgrade(list_to_atom(Mode), list_to_integer(N), list_to_integer(Rounds), V1, V2, Out, Key) || N <- Sizes].

now_ns() -> erlang:monotonic_time(nanosecond).

%% ---- message workloads: set up untimed, WARMUPS rounds not counted, ROUNDS timed ----

messages(Workload, Warmups, Rounds, Out, Key) ->
    {Messages, Round} = setup(Workload),
    Rates = lists:foldl(
              fun(R, Acc) ->
                      T0 = now_ns(),
                      Round(),
                      Rate = Messages / ((now_ns() - T0) / 1.0e9),
                      io:format("~s erlang ~p ~p: ~s msgs/s~n", [Key, Workload, R, fmt(Rate)]),
                      case R >= 0 of true -> [Rate | Acc]; false -> Acc end
              end, [], lists:seq(-Warmups, Rounds - 1)),
    Sorted = lists:reverse(Rates),
    write(Out, [{Key ++ ".rates", list(Sorted)},
                {Key ++ ".median", num(median(Sorted))},
                {Key ++ ".check", check()},
                {Key ++ ".load", loadavg()}]).

setup(pingpong) ->
    A = spawn(fun player/0),
    B = spawn(fun player/0),
    Hops = 2 * ?ROUND_TRIPS,
    {Hops, fun() ->
                   A ! {ball, B, Hops, self()},
                   receive done -> ok after 120000 -> error(round_timeout) end
           end};
setup(fanin) ->
    Consumer = spawn(fun consumer/0),
    Total = ?PRODUCERS * ?PER_PRODUCER,
    {Total, fun() ->
                    Consumer ! {expect, Total, self()},
                    [spawn(fun() -> produce(Consumer, ?PER_PRODUCER) end) || _ <- lists:seq(1, ?PRODUCERS)],
                    receive done -> ok after 120000 -> error(round_timeout) end
            end};
setup(fanout) ->
    Left = atomics:new(1, []),
    Main = self(),
    Pids = [spawn(fun() -> receiver(0, Left, Main) end) || _ <- lists:seq(1, ?FANOUT_PROCESSES)],
    {?FANOUT_PROCESSES * ?PER_PROCESS,
     fun() ->
             atomics:put(Left, 1, ?FANOUT_PROCESSES),
             fan_out(Pids, ?PER_PROCESS),
             receive done -> ok after 120000 -> error(round_timeout) end
     end}.

player() ->
    receive
        {ball, _To, 1, Done} -> Done ! done;
        {ball, To, K, Done} -> To ! {ball, self(), K - 1, Done}
    end,
    player().

consumer() ->
    receive {expect, N, Done} -> count(N, Done) end.

count(0, Done) ->
    Done ! done,
    consumer();
count(N, Done) ->
    receive tick -> count(N - 1, Done) end.

produce(_To, 0) -> ok;
produce(To, K) ->
    To ! tick,
    produce(To, K - 1).

receiver(Count, Left, Main) ->
    receive
        tick when Count + 1 =:= ?PER_PROCESS ->
            case atomics:sub_get(Left, 1, 1) of
                0 -> Main ! done;
                _ -> ok
            end,
            receiver(0, Left, Main);
        tick ->
            receiver(Count + 1, Left, Main)
    end.

fan_out(_Pids, 0) -> ok;
fan_out(Pids, K) ->
    [P ! tick || P <- Pids],
    fan_out(Pids, K - 1).

%% ---- spawn rate and memory per idle process ----

spawn_memory(Count, Rounds, Out, Key) ->
    measure_spawn(min(Count, 100000)), % warm-up, not counted
    Results = [measure_spawn(Count) || _ <- lists:seq(1, Rounds)],
    Rates = [R || {R, _, _} <- Results],
    Bytes = [B || {_, B, _} <- Results],
    [{_, _, One} | _] = Results,
    [io:format("~s erlang spawn: ~s spawns/s, ~.1f bytes/process (process_info: ~p)~n", [Key, fmt(R), B, O])
     || {R, B, O} <- Results],
    write(Out, [{Key ++ ".spawn.count", integer_to_list(Count)},
                {Key ++ ".spawn.rounds", integer_to_list(Rounds)},
                {Key ++ ".spawn.perSecond.median", num(median(Rates))},
                {Key ++ ".spawn.perSecond.all", list(Rates)},
                {Key ++ ".idle.bytesPerProcess.median", num(median(Bytes))},
                {Key ++ ".idle.bytesPerProcess.all", list(Bytes)},
                {Key ++ ".idle.processInfoMemory", integer_to_list(One)},
                {Key ++ ".check", check()},
                {Key ++ ".load", loadavg()}]).

%% One round: {spawns per second, erlang:memory(processes) delta per process, process_info
%% memory of one idle process}. The pids are not kept (a list of a million would be counted in
%% this process's heap); the processes are found again by listing all and killed.
measure_spawn(Count) ->
    Before = sets:from_list(erlang:processes()),
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = now_ns(),
    spawn_idle(Count),
    T1 = now_ns(),
    erlang:garbage_collect(),
    M1 = erlang:memory(processes),
    Ours = [P || P <- erlang:processes(), P =/= self(), not sets:is_element(P, Before)],
    {memory, One} = erlang:process_info(hd(Ours), memory),
    [exit(P, kill) || P <- Ours],
    wait_gone(length(sets:to_list(Before)) + 1),
    {Count / ((T1 - T0) / 1.0e9), (M1 - M0) / Count, One}.

spawn_idle(0) -> ok;
spawn_idle(K) ->
    spawn(fun idle/0),
    spawn_idle(K - 1).

idle() ->
    receive stop -> ok end.

wait_gone(Expected) ->
    case erlang:system_info(process_count) =< Expected of
        true -> ok;
        false -> timer:sleep(50), wait_gone(Expected)
    end.

%% ---- upgrade of N gen_servers with a sender running ----

%% Mode suspend_all: sys:suspend every process, load the new module, sys:change_code every
%% process, sys:resume every process (what release_handler does for a code change). Mode
%% rolling: load the new module first, then suspend, change and resume one process at a time.
%% Pause of a process: from its suspend call to its resume's return. Total: from the first
%% suspend (suspend_all) or the load (rolling) until the last resume returned.
upgrade(Mode, N, Rounds, V1, V2, Out, Key0) ->
    Key = Key0 ++ "." ++ atom_to_list(Mode) ++ "." ++ integer_to_list(N) ++ ".",
    Beams = {read_beam(V1), read_beam(V2)},
    load(element(1, Beams)),
    Counter = counters:new(1, [write_concurrency]),
    Pids = [begin {ok, P} = gen_server:start(bench_counter, Counter, []), P end || _ <- lists:seq(1, N)],
    Sender = spawn(fun() -> sender(list_to_tuple(Pids), 1, Counter, 0) end),
    timer:sleep(1000),
    Samples = [upgrade_round(Mode, R, Pids, Counter, element(1 + (R + 1) rem 2, Beams), Key) || R <- lists:seq(0, Rounds)],
    Sender ! stop,
    [exit(P, kill) || P <- Pids],
    Measured = tl(Samples), % round 0 warms up
    Walls = [W || {W, _, _} <- Measured],
    Shares = [S || {_, S, _} <- Measured],
    Pauses = lists:sort(lists:append([P || {_, _, P} <- Measured])),
    write(Out, [{Key ++ "rounds", integer_to_list(length(Measured))},
                {Key ++ "asked", integer_to_list(Rounds)},
                {Key ++ "wallMs.median", num(median(Walls))},
                {Key ++ "wallMs.all", list([round(W * 100) / 100 || W <- Walls])},
                {Key ++ "windowShare.median", num(median(Shares))},
                {Key ++ "pause.count", integer_to_list(length(Pauses))},
                {Key ++ "pause.p50Ms", num(percentile(Pauses, 0.50) / 1.0e6)},
                {Key ++ "pause.p99Ms", num(percentile(Pauses, 0.99) / 1.0e6)},
                {Key ++ "pause.p999Ms", num(percentile(Pauses, 0.999) / 1.0e6)},
                {Key ++ "pause.maxMs", num(lists:last(Pauses) / 1.0e6)},
                {Key ++ "load", loadavg()}]).

upgrade_round(Mode, Round, Pids, Counter, Next, Key) ->
    H0 = counters:get(Counter, 1),
    timer:sleep(300),
    Steady = (counters:get(Counter, 1) - H0) / 0.3,
    HBefore = counters:get(Counter, 1),
    T0 = now_ns(),
    Pauses = case Mode of
                 suspend_all ->
                     Suspended = [begin S = now_ns(), ok = sys:suspend(P), {P, S} end || P <- Pids],
                     load(Next),
                     [ok = sys:change_code(P, bench_counter, undefined, []) || P <- Pids],
                     [begin ok = sys:resume(P), now_ns() - S end || {P, S} <- Suspended];
                 rolling ->
                     load(Next),
                     [begin
                          S = now_ns(),
                          ok = sys:suspend(P),
                          ok = sys:change_code(P, bench_counter, undefined, []),
                          ok = sys:resume(P),
                          now_ns() - S
                      end || P <- Pids]
             end,
    T1 = now_ns(),
    Window = (T1 - T0) / 1.0e9,
    WindowRate = (counters:get(Counter, 1) - HBefore) / Window,
    Sorted = lists:sort(Pauses),
    io:format("~supgrade round ~p: ~.2f ms, pause p50 ~.3f p99 ~.3f max ~.3f ms, ~s msgs/s in window vs ~s steady~n",
              [Key, Round, (T1 - T0) / 1.0e6, percentile(Sorted, 0.5) / 1.0e6, percentile(Sorted, 0.99) / 1.0e6,
               lists:last(Sorted) / 1.0e6, fmt(WindowRate), fmt(Steady)]),
    {(T1 - T0) / 1.0e6, WindowRate / Steady, Pauses}.

%% Casts round-robin, never more than ?IN_FLIGHT ahead of what the servers have handled.
sender(Pids, I, Counter, Sent) ->
    receive stop -> ok
    after 0 ->
            case Sent - counters:get(Counter, 1) > ?IN_FLIGHT of
                true ->
                    receive after 1 -> ok end,
                    sender(Pids, I, Counter, Sent);
                false ->
                    Next = cast_batch(Pids, I, 256),
                    sender(Pids, Next, Counter, Sent + 256)
            end
    end.

cast_batch(_Pids, I, 0) -> I;
cast_batch(Pids, I, K) ->
    gen_server:cast(element(I, Pids), tick),
    cast_batch(Pids, case I =:= tuple_size(Pids) of true -> 1; false -> I + 1 end, K - 1).

read_beam(File) ->
    {ok, Bin} = file:read_file(File),
    {File, Bin}.

load({File, Bin}) ->
    code:soft_purge(bench_counter) orelse error(old_code_in_use),
    {module, bench_counter} = code:load_binary(bench_counter, File, Bin).

%% ---- helpers ----

check() ->
    lists:flatten(io_lib:format("OTP ~s, ERTS ~s, schedulers ~p online of ~p, dirty CPU schedulers ~p",
                                [erlang:system_info(otp_release), erlang:system_info(version),
                                 erlang:system_info(schedulers_online), erlang:system_info(schedulers),
                                 erlang:system_info(dirty_cpu_schedulers_online)])).

loadavg() ->
    case file:read_file("/proc/loadavg") of
        {ok, B} -> string:join(lists:sublist(string:lexemes(binary_to_list(B), " "), 3), " ");
        _ -> ""
    end.

median(L) -> percentile_interp(lists:sort(L), 0.5).

percentile_interp(Sorted, Q) ->
    H = (length(Sorted) - 1) * Q,
    Lo = floor(H),
    Hi = min(length(Sorted) - 1, Lo + 1),
    A = lists:nth(Lo + 1, Sorted),
    B = lists:nth(Hi + 1, Sorted),
    A + (H - Lo) * (B - A).

%% Nearest rank, as UpgradeCost.percentile does.
percentile(Sorted, Q) ->
    I = max(1, min(length(Sorted), ceil(Q * length(Sorted)))),
    lists:nth(I, Sorted).

num(X) -> lists:flatten(io_lib:format("~.6f", [X * 1.0])).

list(L) -> "[" ++ string:join([num(X) || X <- L], ", ") ++ "]".

fmt(Rate) -> integer_to_list(round(Rate)).

write(Out, Pairs) ->
    Lines = [[K, "=", V, "\n"] || {K, V} <- Pairs],
    ok = file:write_file(Out, Lines, [append]).
