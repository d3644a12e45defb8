# bench/points.sh: the load generator's arguments for each benchmark point,
# sourced by run.sh and callgrind.sh. point_args POINT prints them; with
# quick=1 set by the caller, the quick sizes for trying the harness.
point_args() {
  if [ "${quick:-0}" = 1 ]; then
    case $1 in
    idle) echo "--scenario idle --clients 1000" ;;
    connect) echo "--scenario connect --clients 500 --inflight 100 --stall 150" ;;
    fan100) echo "--scenario room --clients 100 --senders 10 --messages 50 --window 20" ;;
    fan1000) echo "--scenario room --clients 300 --senders 2 --messages 50 --window 20" ;;
    light) echo "--scenario room --clients 20 --senders 2 --messages 5 --rate 10" ;;
    bigroom) echo "--scenario room --clients 500 --senders 2 --messages 10 --window 10" ;;
    bigjoin) echo "--scenario room --clients 500 --senders 2 --messages 10 --window 10 --join-inflight 8" ;;
    amp_idle) echo "--proto amp --scenario idle --clients 200" ;;
    amp_fan100) echo "--proto amp --scenario room --clients 100 --senders 10 --messages 50 --window 20" ;;
    amp_fan1000) echo "--proto amp --scenario room --clients 300 --senders 2 --messages 50 --window 20" ;;
    esac
    return
  fi
  case $1 in
  idle) echo "--scenario idle --clients 10000 --spread 50" ;;
  connect) echo "--scenario connect --clients 5000 --inflight 1000 --spread 50 --stall 150" ;;
  fan100) echo "--scenario room --clients 100 --senders 10 --messages 500 --window 20" ;;
  fan1000) echo "--scenario room --clients 1000 --senders 2 --messages 250 --window 20" ;;
  light) echo "--scenario room --clients 100 --senders 2 --messages 10 --rate 5" ;;
  bigroom) echo "--scenario room --clients 5000 --senders 2 --messages 20 --window 10 --spread 50 --stall 60 --deadline 90" ;;
  bigjoin) echo "--scenario room --clients 5000 --senders 2 --messages 20 --window 10 --spread 50 --stall 60 --deadline 90 --join-inflight 8" ;;
  amp_idle) echo "--proto amp --scenario idle --clients 2000 --stall 60" ;;
  amp_fan100) echo "--proto amp --scenario room --clients 100 --senders 10 --messages 500 --window 20" ;;
  amp_fan1000) echo "--proto amp --scenario room --clients 1000 --senders 2 --messages 250 --window 20 --stall 60" ;;
  esac
}
